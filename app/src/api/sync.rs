//! `POST /api/sync/push`: the one endpoint devices send their queued operations to.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::sync::{Op, Outcome};

/// Applies a batch of operations exactly once each and answers, per operation, `applied`,
/// `duplicate` (with the stored result), `rejected` (with the reason) or `retry` (a fault on the
/// server kept it from applying; nothing of it was kept, send it again). Signed-in users only;
/// what each operation may do is checked by its kind against the user's roles.
#[server(endpoint = "sync/push", input = Json, output = Json)]
pub async fn push(ops: Vec<Op>) -> Result<Vec<Outcome>, AppError> {
    use crate::server::{authz, respond};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        let outcomes = crate::server::sync::push(&state.pool, &actor, ops).await?;
        if outcomes
            .iter()
            .any(|o| o.status == crate::sync::Status::Applied)
        {
            state.activity_changed();
        }
        Ok(outcomes)
    }
    .await;
    respond(result)
}
