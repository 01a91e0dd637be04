//! Hands an engineer's command to the desk. The pipeline replies once the
//! change is on disk and the snapshot shows it (it renders before replying),
//! so the page the engineer is sent to next already has their change.

use crate::incidents::input::FieldErrors;
use crate::pipeline::desk::{Command, CommandError, Done};
use crate::web::Shared;

/// `problems` are what the form itself found wrong (a local time that does not
/// exist): the desk then reports them with its own findings and applies nothing.
pub async fn submit(
    shared: &Shared,
    command: Command,
    problems: FieldErrors,
) -> Result<Done, CommandError> {
    shared.desk.submit_with(command, problems).await
}
