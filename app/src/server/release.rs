//! The build being served. cargo-leptos writes the content hashes of the wasm, JS and CSS files
//! into a hash file next to the server binary; from it we derive the build id (which names the
//! service worker's cache) and the list of assets the service worker precaches.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use leptos::prelude::LeptosOptions;
use sha2::{Digest, Sha256};

use crate::app::OFFLINE_PATH;
use crate::client::pwa::SERVICE_WORKER_TEMPLATE;

/// Static files every build precaches besides its hashed bundle. The PNG icons are left out:
/// the browser fetches them itself for installation, and pages only show the SVG.
const STATIC_PRECACHE: &[&str] = &[
    "/",
    OFFLINE_PATH,
    "/manifest.webmanifest",
    "/favicon.ico",
    "/icons/icon.svg",
];

/// Pages the service worker stores at install, before the user opens them, so that they open
/// offline after one visit of any page: the public rating and the pages that work from what the
/// device keeps (rating an event, drafts, the self-assessment). Public pages only (none renders
/// personal data on the server), and never `/api/*`: answers there must be live.
pub const WARM_PAGES: &[&str] = &[
    "/ratings",
    "/ratings/methodology",
    "/rate",
    "/drafts",
    "/self-check",
];

/// Identity and assets of one build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// Short hex id that changes whenever any bundled asset changes.
    pub build_id: String,
    /// Absolute URLs the service worker stores on install.
    pub precache: Vec<String>,
    /// The service worker script for this build.
    pub service_worker: String,
    /// Chunk URLs each lazily loaded group needs, by the group's name (`catalogue_pages`).
    pub lazy_chunks: BTreeMap<String, Vec<String>>,
    /// The QR decoder's wasm module (`scripts/build-qr`), if this site has one.
    pub qr_module: Option<String>,
}

/// Content hashes of the bundle, as written by cargo-leptos.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BundleHashes {
    pub js: Option<String>,
    pub wasm: Option<String>,
    pub css: Option<String>,
    /// The loader of split chunks (`cargo leptos build --split`).
    pub split: Option<String>,
    /// The map from lazy functions to the chunk files they need (same build).
    pub manifest: Option<String>,
}

impl BundleHashes {
    /// Parses lines of the form `js: <hash>`; unknown lines are ignored.
    pub fn parse(text: &str) -> Self {
        let mut hashes = BundleHashes::default();
        for line in text.lines() {
            let Some((kind, hash)) = line.split_once(':') else {
                continue;
            };
            let hash = Some(hash.trim().to_owned()).filter(|h| !h.is_empty());
            match kind.trim() {
                "js" => hashes.js = hash,
                "wasm" => hashes.wasm = hash,
                "css" => hashes.css = hash,
                "split" => hashes.split = hash,
                "manifest" => hashes.manifest = hash,
                _ => {}
            }
        }
        hashes
    }
}

impl Release {
    /// Builds the release description from the bundle hashes. Without hashes (a build made
    /// without `hash-files`) the file names are plain and the id changes with the version only.
    /// `split` names the wasm chunks of a `--split` build (empty otherwise).
    pub fn new(
        output_name: &str,
        pkg_dir: &str,
        version: &str,
        hashes: &BundleHashes,
        split: &SplitManifest,
        qr_module: Option<String>,
    ) -> Self {
        let name = |hash: &Option<String>, plain: &str, ext: &str| match hash {
            Some(hash) => format!("/{pkg_dir}/{output_name}.{hash}.{ext}"),
            None => format!("/{pkg_dir}/{output_name}{plain}.{ext}"),
        };
        let mut precache: Vec<String> = STATIC_PRECACHE.iter().map(|s| (*s).to_owned()).collect();
        precache.push(name(&hashes.js, "", "js"));
        precache.push(name(&hashes.wasm, "_bg", "wasm"));
        precache.push(name(&hashes.css, "", "css"));
        // Every page chunk too: a page first opened offline needs its chunk.
        if let Some(split) = &hashes.split {
            precache.push(format!("/{pkg_dir}/__wasm_split.{split}.js"));
        }
        precache.extend(split.chunks().map(|chunk| format!("/{pkg_dir}/{chunk}")));
        // Offline, the scanner still needs its decoder.
        precache.extend(qr_module.clone());

        let mut digest = Sha256::new();
        digest.update(version.as_bytes());
        for url in &precache {
            digest.update(url.as_bytes());
        }
        for page in WARM_PAGES {
            digest.update(page.as_bytes());
        }
        digest.update(SERVICE_WORKER_TEMPLATE.as_bytes());
        let build_id = hex::encode(&digest.finalize()[..8]);

        let service_worker = SERVICE_WORKER_TEMPLATE
            .replace("__BUILD_ID__", &build_id)
            .replace(
                "__PRECACHE__",
                &serde_json::to_string(&precache).expect("a list of strings serialises"),
            )
            .replace(
                "__WARM_PAGES__",
                &serde_json::to_string(WARM_PAGES).expect("a list of strings serialises"),
            );
        let lazy_chunks = split
            .0
            .iter()
            .map(|(group, chunks)| {
                let urls = chunks.iter().map(|c| format!("/{pkg_dir}/{c}")).collect();
                (group.clone(), urls)
            })
            .collect();
        Release {
            build_id,
            precache,
            service_worker,
            lazy_chunks,
            qr_module,
        }
    }

    /// Reads the hash file the way Leptos does (relative to the server binary unless absolute).
    pub fn load(options: &LeptosOptions, version: &str) -> Self {
        let hashes = if options.hash_files {
            std::fs::read_to_string(hash_file_path(options))
                .map(|text| BundleHashes::parse(&text))
                .unwrap_or_else(|error| {
                    tracing::error!(%error, "hash file missing: the service worker will not precache the bundle");
                    BundleHashes::default()
                })
        } else {
            BundleHashes::default()
        };
        let split = hashes
            .manifest
            .as_ref()
            .map(|hash| {
                let path = Path::new(options.site_root.as_ref())
                    .join(options.site_pkg_dir.as_ref())
                    .join(format!("__wasm_split_manifest.{hash}.json"));
                std::fs::read_to_string(&path)
                    .map_err(|error| error.to_string())
                    .and_then(|text| SplitManifest::parse(&text))
                    .unwrap_or_else(|error| {
                        tracing::error!(%error, path = %path.display(), "split manifest unreadable: page chunks will not be precached");
                        SplitManifest::default()
                    })
            })
            .unwrap_or_default();
        Self::new(
            &options.output_name,
            &options.site_pkg_dir,
            version,
            &hashes,
            &split,
            find_qr_module(Path::new(options.site_root.as_ref())),
        )
    }

    /// Chunk URLs the group named `group` needs; empty for unknown groups and unsplit builds.
    pub fn chunks_of(&self, group: &str) -> &[String] {
        self.lazy_chunks.get(group).map_or(&[], Vec::as_slice)
    }
}

/// What a split build's manifest says: each lazy function (named without the hash cargo-leptos
/// appends, e.g. `catalogue_pages`) and the chunk files it needs, with their `.wasm` suffix.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SplitManifest(pub BTreeMap<String, Vec<String>>);

impl SplitManifest {
    /// Parses `{"catalogue_pages_4002…": ["chunk_5.<hash>", …], …}`.
    pub fn parse(manifest: &str) -> Result<Self, String> {
        let map: BTreeMap<String, Vec<String>> =
            serde_json::from_str(manifest).map_err(|error| error.to_string())?;
        Ok(Self(
            map.into_iter()
                .map(|(name, files)| {
                    let group = match name.rsplit_once('_') {
                        Some((group, hash)) if hash.bytes().all(|b| b.is_ascii_digit()) => group,
                        _ => name.as_str(),
                    };
                    let files = files
                        .iter()
                        .map(|file| {
                            let file = file.rsplit('/').next().unwrap_or_default();
                            if file.ends_with(".wasm") {
                                file.to_owned()
                            } else {
                                format!("{file}.wasm")
                            }
                        })
                        .collect();
                    (group.to_owned(), files)
                })
                .collect(),
        ))
    }

    /// Every chunk file, once, in a stable order (the build id must not depend on map order).
    pub fn chunks(&self) -> impl Iterator<Item = &String> {
        let mut all: Vec<&String> = self.0.values().flatten().collect();
        all.sort();
        all.dedup();
        all.into_iter()
    }
}

/// The URL of the QR decoder module in `<site root>/qr/` (`knd_qr.<hash>.wasm`, written by
/// `scripts/build-qr` into `public/qr/`, copied by cargo-leptos), if there is exactly one.
pub fn find_qr_module(site_root: &Path) -> Option<String> {
    let mut found: Vec<String> = std::fs::read_dir(site_root.join("qr"))
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("knd_qr.") && name.ends_with(".wasm"))
        .collect();
    match found.len() {
        1 => found.pop().map(|name| format!("/qr/{name}")),
        0 => {
            tracing::warn!("no QR decoder module (scripts/build-qr): browsers without BarcodeDetector cannot scan");
            None
        }
        _ => {
            tracing::error!(
                ?found,
                "several QR decoder modules: run scripts/build-qr again"
            );
            None
        }
    }
}

fn hash_file_path(options: &LeptosOptions) -> PathBuf {
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    exe_dir.join(options.hash_file.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(css: &str) -> BundleHashes {
        BundleHashes::parse(&format!("js: aaa\nwasm: bbb\ncss: {css}\n"))
    }

    /// A build without `--split`.
    fn unsplit(hashes: &BundleHashes) -> Release {
        Release::new(
            "knd",
            "pkg",
            "0.1.0",
            hashes,
            &SplitManifest::default(),
            None,
        )
    }

    #[test]
    fn the_qr_module_is_precached_and_part_of_the_build() {
        let without = unsplit(&hashes("ccc"));
        let url = "/qr/knd_qr.0123456789abcdef.wasm".to_owned();
        let with = Release::new(
            "knd",
            "pkg",
            "0.1.0",
            &hashes("ccc"),
            &SplitManifest::default(),
            Some(url.clone()),
        );
        assert!(with.precache.contains(&url));
        assert!(!without.precache.contains(&url));
        assert_ne!(with.build_id, without.build_id);
        assert_eq!(with.qr_module.as_ref(), Some(&url));
    }

    #[test]
    fn the_qr_module_is_found_only_when_there_is_exactly_one() {
        let site = std::env::temp_dir().join(format!("knd-qr-{}", std::process::id()));
        let qr = site.join("qr");
        std::fs::create_dir_all(&qr).unwrap();
        assert_eq!(find_qr_module(&site), None, "empty directory");
        std::fs::write(qr.join("knd_qr.aaaa.wasm"), b"\0asm").unwrap();
        std::fs::write(qr.join("knd_qr.aaaa.wasm.br"), b"x").unwrap();
        assert_eq!(
            find_qr_module(&site).as_deref(),
            Some("/qr/knd_qr.aaaa.wasm")
        );
        std::fs::write(qr.join("knd_qr.bbbb.wasm"), b"\0asm").unwrap();
        assert_eq!(find_qr_module(&site), None, "two builds' modules");
        std::fs::remove_dir_all(&site).unwrap();
        assert_eq!(find_qr_module(&site), None, "no directory");
    }

    #[test]
    fn hash_file_lines_name_the_hashed_bundle() {
        let release = unsplit(&hashes("ccc"));
        assert!(release.precache.contains(&"/pkg/knd.aaa.js".to_owned()));
        assert!(release.precache.contains(&"/pkg/knd.bbb.wasm".to_owned()));
        assert!(release.precache.contains(&"/pkg/knd.ccc.css".to_owned()));
        assert!(release.precache.contains(&OFFLINE_PATH.to_owned()));
    }

    #[test]
    fn any_changed_asset_changes_the_build_id() {
        let one = unsplit(&hashes("ccc"));
        let two = unsplit(&hashes("ddd"));
        assert_ne!(one.build_id, two.build_id);
        assert_eq!(one, unsplit(&hashes("ccc")));
    }

    #[test]
    fn service_worker_carries_its_build_and_asset_list() {
        let release = unsplit(&hashes("ccc"));
        assert!(release
            .service_worker
            .contains(&format!("const BUILD = \"{}\"", release.build_id)));
        assert!(release.service_worker.contains("\"/pkg/knd.bbb.wasm\""));
        assert!(!release.service_worker.contains("__PRECACHE__"));
    }

    #[test]
    fn service_worker_warms_the_rating_pages_never_the_api() {
        let release = unsplit(&hashes("ccc"));
        assert!(!release.service_worker.contains("__WARM_PAGES__"));
        assert!(release.service_worker.contains(
            r#"const WARM_PAGES = ["/ratings","/ratings/methodology","/rate","/drafts","/self-check"];"#
        ));
        for page in WARM_PAGES {
            assert!(
                page.starts_with('/') && !page.starts_with("/api/"),
                "{page}"
            );
            // Precached pages are stored already; warming them again would only fetch twice.
            assert!(!release.precache.iter().any(|p| p == page), "{page}");
        }
    }

    #[test]
    fn split_builds_precache_their_loader_and_every_chunk() {
        let hashes = BundleHashes::parse("js: a\nwasm: b\ncss: c\nsplit: s\nmanifest: m\n");
        let manifest = SplitManifest::parse(
            r#"{"catalogue_pages_1": ["./x1", "y2.wasm"], "rating_pages_22": ["y2"]}"#,
        )
        .unwrap();
        assert_eq!(
            manifest.chunks().collect::<Vec<_>>(),
            ["x1.wasm", "y2.wasm"]
        );
        let split = Release::new("knd", "pkg", "0.1.0", &hashes, &manifest, None);
        for url in ["/pkg/__wasm_split.s.js", "/pkg/x1.wasm", "/pkg/y2.wasm"] {
            assert!(split.precache.contains(&url.to_owned()), "{url}");
        }
        assert_eq!(
            split.chunks_of("catalogue_pages"),
            ["/pkg/x1.wasm", "/pkg/y2.wasm"]
        );
        assert_eq!(split.chunks_of("rating_pages"), ["/pkg/y2.wasm"]);
        assert!(split.chunks_of("account_pages").is_empty());
        let mut fewer = manifest.clone();
        fewer.0.remove("catalogue_pages");
        let other = Release::new("knd", "pkg", "0.1.0", &hashes, &fewer, None);
        assert_ne!(
            split.build_id, other.build_id,
            "a changed chunk is a new build"
        );
        assert!(SplitManifest::parse("not json").is_err());
    }

    #[test]
    fn unhashed_builds_use_plain_file_names() {
        let release = unsplit(&BundleHashes::default());
        assert!(release.precache.contains(&"/pkg/knd_bg.wasm".to_owned()));
    }

    #[test]
    fn blank_or_unknown_lines_are_ignored() {
        let parsed = BundleHashes::parse("\nfoo: 1\njs:   \ncss: x\n");
        assert_eq!(
            parsed,
            BundleHashes {
                css: Some("x".into()),
                ..BundleHashes::default()
            }
        );
    }
}
