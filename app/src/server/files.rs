//! Attached files: the bytes in a file store (`object_store`: a local directory by default, an
//! S3-compatible bucket by configuration), the metadata and a SHA-256 in PostgreSQL. The type is
//! told by the content (magic bytes); who may read a file follows from what it is attached to.

use std::sync::Arc;

use bytes::Bytes;
use object_store::{path::Path as StorePath, ObjectStore, PutPayload};
use sqlx::PgExecutor;
use uuid::Uuid;

use crate::domain::files::{clean_name, FileType, FileView, MAX_FILES};

/// Where the bytes of attached files live; cheap to clone.
#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    /// Where it is, for the log (never a secret: credentials come from the environment).
    pub location: String,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("location", &self.location)
            .finish()
    }
}

impl FileStore {
    /// A directory on this machine (created if missing).
    pub fn local(dir: &std::path::Path) -> Result<FileStore, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| e.to_string())?;
        Ok(FileStore {
            store: Arc::new(store),
            location: dir.display().to_string(),
        })
    }

    /// A store named by a URL: `file:///var/lib/knd/files`, or `s3://bucket/prefix` with the
    /// credentials, region and endpoint (for S3-compatible stores) from the `AWS_*` variables.
    pub fn from_url(url: &str) -> Result<FileStore, String> {
        let parsed = url::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
        if parsed.scheme() == "file" {
            let path = parsed
                .to_file_path()
                .map_err(|()| format!("{url}: not a local path"))?;
            return FileStore::local(&path);
        }
        let options: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with("AWS_"))
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        let (store, prefix) =
            object_store::parse_url_opts(&parsed, options).map_err(|e| e.to_string())?;
        let store: Arc<dyn ObjectStore> = if prefix.as_ref().is_empty() {
            Arc::from(store)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
        };
        Ok(FileStore {
            store,
            location: format!("{}://{}", parsed.scheme(), parsed.host_str().unwrap_or("")),
        })
    }

    pub async fn put(&self, key: &str, bytes: Bytes) -> object_store::Result<()> {
        self.store
            .put(&StorePath::from(key), PutPayload::from_bytes(bytes))
            .await
            .map(|_| ())
    }

    pub async fn get(&self, key: &str) -> object_store::Result<Bytes> {
        self.store.get(&StorePath::from(key)).await?.bytes().await
    }

    pub async fn delete(&self, key: &str) -> object_store::Result<()> {
        self.store.delete(&StorePath::from(key)).await
    }
}

/// The type of a file by its first bytes; `None` for anything not accepted.
pub fn sniff(bytes: &[u8]) -> Option<FileType> {
    infer::get(bytes).and_then(|kind| FileType::from_mime(kind.mime_type()))
}

/// A file's metadata as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredFile {
    pub id: Uuid,
    pub owner_id: Option<Uuid>,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub storage_key: String,
}

impl From<StoredFile> for FileView {
    fn from(f: StoredFile) -> Self {
        FileView {
            id: f.id.to_string(),
            name: f.name,
            content_type: f.content_type,
            size: f.size,
        }
    }
}

/// An uploaded file whose bytes are in the store under `storage_key`.
pub struct NewFile<'a> {
    pub id: Uuid,
    pub owner: Uuid,
    pub name: &'a str,
    pub file_type: FileType,
    pub size: i64,
    pub sha256: &'a [u8],
    pub storage_key: &'a str,
}

/// Records an uploaded file.
pub async fn insert_file(db: impl PgExecutor<'_>, file: &NewFile<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO stored_file (id, owner_id, name, content_type, size, sha256, storage_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(file.id)
    .bind(file.owner)
    .bind(clean_name(file.name))
    .bind(file.file_type.mime())
    .bind(file.size)
    .bind(file.sha256)
    .bind(file.storage_key)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets a file's record (its bytes are the store's to delete).
pub async fn delete_file(db: impl PgExecutor<'_>, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM stored_file WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Files nobody attached are forgotten after this many hours: an upload whose claim never
/// came (the tab closed, the claim was refused) must not stay on the disk for ever.
pub const UNATTACHED_HOURS: i64 = 24;
/// Most files one user may have uploaded and not attached yet (within [`UNATTACHED_HOURS`]):
/// enough to retry a claim several times, not enough to fill the disk by uploading in a loop.
pub const MAX_UNATTACHED: i64 = 5 * MAX_FILES as i64;

/// A file is attached when some record names it (today representation evidence; appeals and
/// complaints will add their tables here).
const UNATTACHED: &str =
    "NOT EXISTS (SELECT 1 FROM representation_evidence e WHERE e.file_id = f.id)";

/// How many files this user uploaded within [`UNATTACHED_HOURS`] and has not attached yet.
pub async fn unattached_count(db: impl PgExecutor<'_>, owner: Uuid) -> sqlx::Result<i64> {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM stored_file f
         WHERE f.owner_id = $1 AND f.created_at >= now() - make_interval(hours => $2::int)
           AND {UNATTACHED}"
    ))
    .bind(owner)
    .bind(UNATTACHED_HOURS as i32)
    .fetch_one(db)
    .await
}

/// Forgets files not attached within `hours` of their upload: their records first (so none is
/// handed out again), then their bytes. Answers how many went; at most 1,000 a call.
pub async fn sweep_unattached(
    db: &sqlx::PgPool,
    store: &FileStore,
    hours: i64,
) -> sqlx::Result<usize> {
    let keys: Vec<String> = sqlx::query_scalar(&format!(
        "DELETE FROM stored_file WHERE id IN (
             SELECT f.id FROM stored_file f
             WHERE f.created_at < now() - make_interval(hours => $1::int) AND {UNATTACHED}
             LIMIT 1000)
         RETURNING storage_key"
    ))
    .bind(hours as i32)
    .fetch_all(db)
    .await?;
    for key in &keys {
        if let Err(error) = store.delete(key).await {
            // The record is gone, so nothing can reach these bytes any more.
            tracing::warn!(%error, key, "deleting an unattached file's bytes failed");
        }
    }
    Ok(keys.len())
}

/// A file the user may read: its uploader, the admin, and the approved representatives of the
/// organisation whose representation request it is evidence of. Anything else is `None`, the
/// same as an unknown id.
pub async fn readable_file(
    db: impl PgExecutor<'_>,
    id: Uuid,
    user_id: Uuid,
    is_admin: bool,
) -> sqlx::Result<Option<StoredFile>> {
    sqlx::query_as(
        "SELECT f.id, f.owner_id, f.name, f.content_type, f.size, f.storage_key
         FROM stored_file f
         WHERE f.id = $1
           AND (f.owner_id = $2 OR $3 OR EXISTS (
                 SELECT 1 FROM representation_evidence e
                 JOIN representation_request r ON r.id = e.request_id
                 JOIN membership m ON m.organisation_id = r.organisation_id
                                  AND m.user_id = $2 AND m.role = 'business'
                 WHERE e.file_id = f.id))",
    )
    .bind(id)
    .bind(user_id)
    .bind(is_admin)
    .fetch_optional(db)
    .await
}

/// Attaching evidence failed.
#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    /// A file is unknown, someone else's, or already attached elsewhere.
    #[error("a file cannot be attached")]
    NotAttachable,
    #[error("too many files")]
    TooMany,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Attaches the owner's unattached files to a representation request, all or none.
pub async fn attach_evidence(
    db: &mut sqlx::PgConnection,
    request_id: Uuid,
    owner: Uuid,
    files: &[Uuid],
) -> Result<(), AttachError> {
    if files.is_empty() {
        return Ok(());
    }
    let mut unique = files.to_vec();
    unique.sort();
    unique.dedup();
    let (already,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM representation_evidence WHERE request_id = $1")
            .bind(request_id)
            .fetch_one(&mut *db)
            .await?;
    if unique.len() + already as usize > MAX_FILES {
        return Err(AttachError::TooMany);
    }
    let attached = sqlx::query(
        "INSERT INTO representation_evidence (request_id, file_id)
         SELECT $1, f.id FROM stored_file f
         WHERE f.id = ANY($2) AND f.owner_id = $3
           AND NOT EXISTS (SELECT 1 FROM representation_evidence e WHERE e.file_id = f.id)
         ON CONFLICT DO NOTHING",
    )
    .bind(request_id)
    .bind(&unique)
    .bind(owner)
    .execute(&mut *db)
    .await?;
    if attached.rows_affected() as usize != unique.len() {
        return Err(AttachError::NotAttachable);
    }
    Ok(())
}

/// A file attached to a request.
#[derive(sqlx::FromRow)]
struct EvidenceRow {
    request_id: Uuid,
    #[sqlx(flatten)]
    file: StoredFile,
}

/// The evidence of each of these requests.
pub async fn evidence_of(
    db: impl PgExecutor<'_>,
    requests: &[Uuid],
) -> sqlx::Result<Vec<(Uuid, StoredFile)>> {
    let rows: Vec<EvidenceRow> = sqlx::query_as(
        "SELECT e.request_id, f.id, f.owner_id, f.name, f.content_type, f.size, f.storage_key
         FROM representation_evidence e JOIN stored_file f ON f.id = e.file_id
         WHERE e.request_id = ANY($1) ORDER BY f.created_at, f.id",
    )
    .bind(requests)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.request_id, r.file)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_told_by_content_not_by_name() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), Some(FileType::Pdf));
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
            Some(FileType::Png)
        );
        assert_eq!(
            sniff(&[0xff, 0xd8, 0xff, 0xe0, 0, 0x10, b'J', b'F', b'I', b'F']),
            Some(FileType::Jpeg)
        );
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(
            sniff(b"MZ\x90\x00"),
            None,
            "an executable named .pdf is refused"
        );
        assert_eq!(sniff(b""), None);
    }

    #[tokio::test]
    async fn a_local_store_keeps_what_it_is_given() {
        let dir = std::env::temp_dir().join(format!("knd-files-{}", Uuid::now_v7()));
        let store = FileStore::local(&dir).unwrap();
        store
            .put("files/a", Bytes::from_static(b"%PDF-1.4"))
            .await
            .unwrap();
        assert_eq!(&store.get("files/a").await.unwrap()[..], b"%PDF-1.4");
        store.delete("files/a").await.unwrap();
        assert!(store.get("files/a").await.is_err());
        let via_url = FileStore::from_url(&format!("file://{}", dir.display())).unwrap();
        assert_eq!(via_url.location, dir.display().to_string());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
