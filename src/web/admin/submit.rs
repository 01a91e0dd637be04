//! Hands a command to the desk, then waits (briefly) until the in-memory
//! snapshot shows it, so the page the engineer is sent to next already has
//! their change. The pipeline replies once the change is on disk and renders
//! right after; this closes that gap without reading storage.

use std::time::Duration;

use tokio::time::{Instant, sleep};

use crate::incidents::input::FieldErrors;
use crate::model::ComponentStatus;
use crate::pipeline::desk::{Command, CommandError, Done};
use crate::read::view::View;
use crate::web::Shared;

/// Longest wait for the snapshot: the render follows the reply at once, so
/// this only matters if the pipeline is stuck, and then the change is stored
/// anyway.
const VISIBLE_WITHIN: Duration = Duration::from_secs(2);

/// `problems` are what the form itself found wrong (a local time that does not
/// exist): the desk then reports them with its own findings and applies nothing.
pub async fn submit(
    shared: &Shared,
    command: Command,
    problems: FieldErrors,
) -> Result<Done, CommandError> {
    let done = shared.desk.submit_with(command, problems).await?;
    let deadline = Instant::now() + VISIBLE_WITHIN;
    while !shows(&shared.snapshots.current().view, &done) && Instant::now() < deadline {
        sleep(Duration::from_millis(5)).await;
    }
    Ok(done)
}

/// Whether `view` includes `done` (or something newer).
fn shows(view: &View, done: &Done) -> bool {
    match done {
        Done::Incident(i) => view
            .book
            .incidents
            .get(&i.id)
            .is_some_and(|v| v.updated_at > i.updated_at || v == i),
        Done::Maintenance(m) => view
            .book
            .maintenances
            .get(&m.id)
            .is_some_and(|v| v.updated_at > m.updated_at || v == m),
        Done::Component { id, status } => {
            let pinned = view
                .book
                .overrides
                .iter()
                .find(|(c, _)| c.as_str() == id)
                .map(|(_, o)| o.status);
            // `operational` removes the engineer's status (the checks decide again).
            pinned == (*status != ComponentStatus::Operational).then_some(*status)
        }
    }
}
