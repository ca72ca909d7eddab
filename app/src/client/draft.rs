//! A form's link to its draft on the device. The form says when it changed; the link saves the
//! fields the user changed, merged with what other tabs changed (`outbox::save_draft`), one save
//! at a time so every save starts from the latest stored draft; and whenever the stored draft
//! differs from the form (another tab's edit, a merge) it hands the stored one to the form.
//!
//! `saved` is true only when the latest save kept everything this tab typed; `replaced` says
//! another tab's later edit of the same field won (or the draft was submitted elsewhere).

use std::rc::Rc;

use leptos::prelude::*;
use serde_json::Value;

use crate::client::outbox::{self, Item};

type Current = Rc<dyn Fn() -> Option<Item>>;
type Show = Rc<dyn Fn(Item)>;

#[derive(Clone, Copy)]
pub struct DraftLink {
    /// The draft as this tab last read or wrote it: what its next changes are measured from.
    base: StoredValue<Option<Value>>,
    /// A save is in flight.
    busy: StoredValue<bool>,
    /// The form changed while a save was in flight: save again after it.
    dirty: StoredValue<bool>,
    /// Another tab changed the draft while a save was in flight: read it again after.
    stale: StoredValue<bool>,
    current: StoredValue<Current, LocalStorage>,
    show: StoredValue<Show, LocalStorage>,
    /// The latest save kept everything this tab typed.
    pub saved: RwSignal<bool>,
    /// An edit of this tab gave way to a later edit of another tab (or to a submission there).
    pub replaced: RwSignal<bool>,
}

impl DraftLink {
    /// `current` is the form's state as an item (`None` while there is nothing to save);
    /// `show` puts a stored item into the form.
    pub fn new(
        current: impl Fn() -> Option<Item> + 'static,
        show: impl Fn(Item) + 'static,
    ) -> Self {
        DraftLink {
            base: StoredValue::new(None),
            busy: StoredValue::new(false),
            dirty: StoredValue::new(false),
            stale: StoredValue::new(false),
            current: StoredValue::new_local(Rc::new(current)),
            show: StoredValue::new_local(Rc::new(show)),
            saved: RwSignal::new(false),
            replaced: RwSignal::new(false),
        }
    }

    /// The form this link belongs to has closed: its values are disposed, and a task that
    /// outlived it must stop touching them.
    pub fn gone(&self) -> bool {
        self.busy.is_disposed()
    }

    /// The draft as read from the device when the form opened it.
    pub fn loaded(&self, item: &Item) {
        self.base.set_value(Some(item.doc()));
        self.saved.set(true);
    }

    /// What this tab's next changes are measured from.
    pub fn base(&self) -> Option<Value> {
        self.base.get_value()
    }

    /// The form changed: save it now, or right after the save in flight.
    pub fn changed(&self) {
        if self.busy.get_value() {
            self.dirty.set_value(true);
            return;
        }
        let link = *self;
        link.busy.set_value(true);
        leptos::task::spawn_local(async move {
            link.save_until_settled().await;
        });
    }

    async fn save_until_settled(self) {
        loop {
            self.dirty.set_value(false);
            let Some(item) = (self.current.get_value())() else {
                break;
            };
            let mine = item.doc();
            if self.base.get_value().as_ref() == Some(&mine) {
                break;
            }
            self.saved.set(false);
            let answer = outbox::save_draft(item, self.base.get_value()).await;
            if self.gone() {
                // The form closed (submitted, navigated away) while the save was in flight.
                return;
            }
            match answer {
                Ok(saved) => {
                    self.base.set_value(Some(saved.item.doc()));
                    self.replaced.set(saved.lost);
                    self.saved.set(!saved.lost);
                    if saved.item.doc() != mine || !saved.item.is_editable() {
                        (self.show.get_value())(saved.item);
                    }
                }
                Err(_) => {
                    self.saved.set(false);
                    break;
                }
            }
            if !self.dirty.get_value() {
                break;
            }
        }
        self.busy.set_value(false);
        if self.stale.get_value() {
            self.stale.set_value(false);
            if let Some(item) = (self.current.get_value())() {
                self.refresh(item.id);
            }
        }
    }

    /// Another tab (or the outbox) changed draft `id`: show the stored one.
    pub fn refresh(&self, id: String) {
        if self.busy.get_value() {
            self.stale.set_value(true);
            return;
        }
        let link = *self;
        leptos::task::spawn_local(async move {
            let Some(item) = outbox::load(id).await else {
                return;
            };
            if link.gone() {
                return;
            }
            let doc = item.doc();
            if link.busy.get_value() {
                link.stale.set_value(true);
                return;
            }
            let differs = (link.current.get_value())().is_none_or(|mine| mine.doc() != doc);
            link.base.set_value(Some(doc));
            if differs {
                (link.show.get_value())(item);
            }
        });
    }

    /// Follows the outbox's change notices for the draft `id` names.
    pub fn follow(&self, id: impl Fn() -> Option<String> + 'static) {
        let link = *self;
        let outbox = outbox::use_outbox();
        Effect::new(move |_| {
            let changed = outbox.changed.get();
            if let (Some(changed), Some(mine)) = (changed, id()) {
                if changed == mine {
                    link.refresh(mine);
                }
            }
        });
    }
}
