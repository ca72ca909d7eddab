//! Merging the edits several tabs make to one draft, field by field (OFFLINE.md rule 8).
//!
//! A draft is JSON. Its *fields* are its leaves: object members, and the members of records in
//! lists that carry an identity (`criterion`, `requirement_id`, `kind`), so that two tabs
//! answering different questions touch different fields. Lists without an identity (the
//! reasons of a low score) are one field each.
//!
//! A tab remembers the draft as it last read or wrote it (its *base*). When it saves, what it
//! changed is the difference between base and its own state; those fields are written over the
//! stored draft, the rest stays as the other tabs left it. Each field keeps the time of its last
//! edit: a change older than the stored field's is dropped (a later edit of another tab won) and
//! reported as lost, so the tab never claims it saved it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// When each field was last edited, ms since the epoch, by its path (see [`Seg`]).
pub type Stamps = BTreeMap<String, f64>;

/// Members of list records that name the record.
const IDENTITIES: [&str; 3] = ["criterion", "requirement_id", "kind"];

/// One step of a field's path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Seg {
    /// An object member.
    Key(String),
    /// The record of a list whose identity member `key` equals `id`.
    Record { key: &'static str, id: String },
}

type Path = Vec<Seg>;

fn path_text(path: &[Seg]) -> String {
    let mut text = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) => {
                text.push('/');
                text.push_str(key);
            }
            Seg::Record { key, id } => {
                text.push('[');
                text.push_str(key);
                text.push('=');
                text.push_str(id);
                text.push(']');
            }
        }
    }
    text
}

/// The identity member shared by every record of a non-empty list, if there is one.
fn identity(items: &[Value]) -> Option<&'static str> {
    if items.is_empty() {
        return None;
    }
    IDENTITIES.into_iter().find(|key| {
        items
            .iter()
            .all(|item| item.get(key).is_some_and(Value::is_string))
    })
}

fn collect(value: &Value, path: &mut Path, out: &mut BTreeMap<String, (Path, Value)>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, member) in map {
                path.push(Seg::Key(key.clone()));
                collect(member, path, out);
                path.pop();
            }
        }
        Value::Array(items) => match identity(items) {
            Some(key) => {
                for item in items {
                    let id = item[key].as_str().unwrap_or_default().to_owned();
                    path.push(Seg::Record { key, id });
                    collect(item, path, out);
                    path.pop();
                }
            }
            None => {
                out.insert(path_text(path), (path.clone(), value.clone()));
            }
        },
        _ => {
            out.insert(path_text(path), (path.clone(), value.clone()));
        }
    }
}

/// Every field of a draft, by path.
fn fields(value: &Value) -> BTreeMap<String, (Path, Value)> {
    let mut out = BTreeMap::new();
    collect(value, &mut Vec::new(), &mut out);
    out
}

/// The paths that have fields below them.
fn containers(fields: &BTreeMap<String, (Path, Value)>) -> BTreeSet<String> {
    fields
        .values()
        .flat_map(|(path, _)| (0..path.len()).map(|n| path_text(&path[..n])))
        .collect()
}

/// A field's new value, or `None` when it was removed.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    path: Path,
    value: Option<Value>,
}

impl Change {
    pub fn key(&self) -> String {
        path_text(&self.path)
    }
}

/// What changed from `base` to `mine`, field by field. A list that became empty, or an empty
/// one that got records, is seen through its records, not as one field.
pub fn diff(base: &Value, mine: &Value) -> Vec<Change> {
    let before = fields(base);
    let after = fields(mine);
    let (before_containers, after_containers) = (containers(&before), containers(&after));
    let mut changes = Vec::new();
    for (key, (path, value)) in &after {
        if before.get(key).map(|(_, v)| v) == Some(value) {
            continue;
        }
        if is_empty_container(value) && before_containers.contains(key) {
            continue;
        }
        changes.push(Change {
            path: path.clone(),
            value: Some(value.clone()),
        });
    }
    for (key, (path, _)) in &before {
        if !after.contains_key(key) && !after_containers.contains(key) {
            changes.push(Change {
                path: path.clone(),
                value: None,
            });
        }
    }
    changes
}

fn is_empty_container(value: &Value) -> bool {
    matches!(value, Value::Array(a) if a.is_empty())
        || matches!(value, Value::Object(o) if o.is_empty())
}

/// The value at a field's path, if the draft has it.
fn lookup<'a>(doc: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    let Some((first, rest)) = path.split_first() else {
        return Some(doc);
    };
    let next = match first {
        Seg::Key(key) => doc.get(key)?,
        Seg::Record { key, id } => doc
            .as_array()?
            .iter()
            .find(|item| item.get(key).and_then(Value::as_str) == Some(id.as_str()))?,
    };
    lookup(next, rest)
}

/// Writes one change into `doc`, creating the objects and records on its way.
fn apply(doc: &mut Value, path: &[Seg], value: Option<Value>) {
    let Some((first, rest)) = path.split_first() else {
        if let Some(value) = value {
            *doc = value;
        }
        return;
    };
    match first {
        Seg::Key(key) => {
            if !doc.is_object() {
                if value.is_none() {
                    return;
                }
                *doc = Value::Object(Map::new());
            }
            let Some(map) = doc.as_object_mut() else {
                return;
            };
            if rest.is_empty() {
                match value {
                    Some(value) => {
                        map.insert(key.clone(), value);
                    }
                    None => {
                        map.remove(key);
                    }
                }
            } else if value.is_some() || map.contains_key(key) {
                apply(map.entry(key.clone()).or_insert(Value::Null), rest, value);
            }
        }
        Seg::Record { key, id } => {
            if !doc.is_array() {
                if value.is_none() {
                    return;
                }
                *doc = Value::Array(Vec::new());
            }
            let Some(items) = doc.as_array_mut() else {
                return;
            };
            let position = items
                .iter()
                .position(|item| item.get(key).and_then(Value::as_str) == Some(id.as_str()));
            // The record's identity itself removed: the record goes.
            if value.is_none() && rest == [Seg::Key((*key).to_owned())] {
                if let Some(i) = position {
                    items.remove(i);
                }
                return;
            }
            let index = match (position, &value) {
                (Some(i), _) => i,
                (None, None) => return,
                (None, Some(_)) => {
                    let mut record = Map::new();
                    record.insert((*key).to_owned(), Value::String(id.clone()));
                    items.push(Value::Object(record));
                    items.len() - 1
                }
            };
            apply(&mut items[index], rest, value);
            // A record whose every member was removed is gone.
            if items[index].as_object().is_some_and(Map::is_empty) {
                items.remove(index);
            }
        }
    }
}

/// The outcome of writing a tab's changes over the stored draft.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub doc: Value,
    pub stamps: Stamps,
    /// Some of the tab's changes were older than another tab's edit of the same field and were
    /// dropped.
    pub lost: bool,
    /// Something was written (the tab had changes that won).
    pub changed: bool,
}

/// Writes `changes`, made at `edited_ms`, over the stored draft `stored` with its `stamps`.
pub fn merge(stored: &Value, stamps: &Stamps, changes: &[Change], edited_ms: f64) -> Merged {
    let mut doc = stored.clone();
    let mut stamps = stamps.clone();
    let (mut lost, mut changed) = (false, false);
    for change in changes {
        let key = change.key();
        if lookup(&doc, &change.path) == change.value.as_ref() {
            // Already so (another tab made the same edit): nothing to write, nothing lost.
            continue;
        }
        if stamps.get(&key).is_some_and(|at| *at > edited_ms) {
            lost = true;
            continue;
        }
        apply(&mut doc, &change.path, change.value.clone());
        stamps.insert(key, edited_ms);
        changed = true;
    }
    Merged {
        doc,
        stamps,
        lost,
        changed,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn draft(replies: &[(&str, &str)]) -> Value {
        let replies: Vec<Value> = replies
            .iter()
            .map(|(q, a)| json!({ "requirement_id": q, "answer": a, "note": "" }))
            .collect();
        json!({ "organisation_id": "org", "replies": replies, "evaluations": [] })
    }

    fn answers(doc: &Value) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = doc["replies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["requirement_id"].as_str().unwrap().to_owned(),
                    r["answer"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        all.sort();
        all
    }

    /// A tab's save: its changes since `base`, written over what is stored.
    fn save(stored: &mut (Value, Stamps), base: &Value, mine: &Value, at: f64) -> Merged {
        let merged = merge(&stored.0, &stored.1, &diff(base, mine), at);
        *stored = (merged.doc.clone(), merged.stamps.clone());
        merged
    }

    #[test]
    fn two_tabs_answering_different_questions_keep_both() {
        let start = draft(&[]);
        let mut stored = (start.clone(), Stamps::new());
        // Tab A answers Q1 and Q3; tab B, which never saw A's answers, answers Q2, then Q1.
        let a = draft(&[("q1", "yes"), ("q3", "no")]);
        assert!(!save(&mut stored, &start, &a, 1.0).lost);
        let b = draft(&[("q2", "na"), ("q1", "no")]);
        assert!(!save(&mut stored, &start, &b, 2.0).lost);
        assert_eq!(
            answers(&stored.0),
            [
                ("q1".to_owned(), "no".to_owned()),
                ("q2".to_owned(), "na".to_owned()),
                ("q3".to_owned(), "no".to_owned()),
            ]
        );
        // A's next answer, still from A's old view, keeps B's Q2 and B's Q1.
        let a2 = draft(&[("q1", "yes"), ("q3", "no"), ("q4", "yes")]);
        save(&mut stored, &a, &a2, 3.0);
        assert_eq!(answers(&stored.0).len(), 4);
        assert!(answers(&stored.0).contains(&("q2".to_owned(), "na".to_owned())));
        assert!(answers(&stored.0).contains(&("q1".to_owned(), "no".to_owned())));
    }

    #[test]
    fn an_older_edit_of_the_same_field_is_lost_and_said_so() {
        let start = draft(&[]);
        let mut stored = (start.clone(), Stamps::new());
        save(&mut stored, &start, &draft(&[("q1", "no")]), 5.0);
        // A write that arrives later but was made earlier does not win.
        let late = save(
            &mut stored,
            &start,
            &draft(&[("q1", "yes"), ("q2", "yes")]),
            4.0,
        );
        assert!(late.lost);
        assert!(late.changed, "its other field still counts");
        assert_eq!(
            answers(&stored.0),
            [
                ("q1".to_owned(), "no".to_owned()),
                ("q2".to_owned(), "yes".to_owned())
            ]
        );
    }

    #[test]
    fn nothing_changed_writes_nothing() {
        let doc = draft(&[("q1", "yes")]);
        assert!(diff(&doc, &doc).is_empty());
        let merged = merge(&doc, &Stamps::new(), &[], 1.0);
        assert!(!merged.changed && !merged.lost);
    }

    #[test]
    fn scores_merge_per_criterion_and_reasons_are_one_field() {
        let base = json!({ "side": "business", "scores": [], "comment": "" });
        let mut stored = (base.clone(), Stamps::new());
        let a = json!({ "side": "business", "comment": "",
            "scores": [{ "criterion": "courtesy", "score": 3, "reasons": ["rude"], "note": "" }] });
        let b = json!({ "side": "business", "comment": "Хорошо",
            "scores": [{ "criterion": "clarity", "score": 9, "reasons": [], "note": "" }] });
        save(&mut stored, &base, &a, 1.0);
        save(&mut stored, &base, &b, 2.0);
        assert_eq!(stored.0["comment"], "Хорошо");
        assert_eq!(stored.0["scores"].as_array().unwrap().len(), 2);
        // A unticks its reason: the list becomes empty, and stays a list.
        let a2 = json!({ "side": "business", "comment": "",
            "scores": [{ "criterion": "courtesy", "score": 3, "reasons": [], "note": "" }] });
        save(&mut stored, &a, &a2, 3.0);
        let courtesy = stored.0["scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["criterion"] == "courtesy")
            .unwrap()
            .clone();
        assert_eq!(courtesy["reasons"], json!([]));
        assert_eq!(stored.0["comment"], "Хорошо", "A did not touch the comment");
    }

    #[test]
    fn a_record_removed_by_one_tab_goes_and_its_list_stays() {
        let base = json!({ "evaluations": [{ "requirement_id": "r1", "clarity": 2 }] });
        let mut stored = (base.clone(), Stamps::new());
        save(&mut stored, &base, &json!({ "evaluations": [] }), 1.0);
        assert_eq!(stored.0, json!({ "evaluations": [] }));
    }

    #[test]
    fn an_event_switched_to_manual_entry_drops_the_number() {
        let base = json!({ "event": { "by": "register", "number": "1" } });
        let mine = json!({ "event": { "by": "manual", "kind": "k", "date": "2026-01-01" } });
        let mut stored = (base.clone(), Stamps::new());
        save(&mut stored, &base, &mine, 1.0);
        assert_eq!(stored.0, mine);
    }
}
