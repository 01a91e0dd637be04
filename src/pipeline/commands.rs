//! Engineers' commands: validated first (nothing changes on bad input), applied
//! to the book, committed in one transaction and flushed before the reply. If
//! storage fails, the book is put back as it was, so memory never claims what
//! the disk doesn't hold.

use std::collections::HashMap;
use std::sync::Arc;

use super::Pipeline;
use super::desk::{Command, CommandError, Done};
use crate::config::Config;
use crate::incidents::book::{BookError, Event};
use crate::incidents::input::{self, FieldErrors};
use crate::incidents::{
    Book, IncidentId, Maintenance, MaintenanceId, auto, effective_status_among,
};
use crate::model::{ComponentId, ComponentStatus};
use crate::subscribers::Subscribed;

/// What a command did to the book, before it is stored.
struct Applied {
    events: Vec<Event>,
    done: Done,
}

impl Pipeline {
    /// One command, as [`Self::execute_all`] does it.
    #[cfg(test)]
    pub(super) async fn execute(
        &mut self,
        command: Command,
        problems: FieldErrors,
    ) -> Result<Done, CommandError> {
        let mut answers = self.execute_all(vec![(command, problems)]).await;
        answers.pop().unwrap_or(Err(CommandError::Storage))
    }

    /// Applies and commits each command in turn, then flushes once for all
    /// of them (group commit): several writers at once share one flush. If
    /// the flush fails, none is acknowledged and the book is put back as it
    /// was before the first.
    pub(super) async fn execute_all(
        &mut self,
        batch: Vec<(Command, FieldErrors)>,
    ) -> Vec<Result<Done, CommandError>> {
        let before = self.book.clone();
        let mut answers = Vec::with_capacity(batch.len());
        for (command, problems) in batch {
            answers.push(self.stage(command, problems));
        }
        if !answers.iter().any(Result::is_ok) {
            return answers;
        }
        if let Err(e) = self.store.flush().await {
            tracing::warn!(error = %e, "could not store a change; it was not applied");
            self.book = before;
            let failed = |a: Result<Done, CommandError>| a.and(Err(CommandError::Storage));
            return answers.into_iter().map(failed).collect();
        }
        let queued = |a: &Result<Done, CommandError>| {
            matches!(
                a,
                Ok(Done::Subscribed(
                    Subscribed::ConfirmationQueued | Subscribed::ManageLinkQueued
                ))
            )
        };
        if answers.iter().any(queued) {
            self.outbox_wake.notify_one();
        }
        answers
    }

    /// Applies one command and commits it, unflushed. On failure nothing of
    /// it stays: the book is as before.
    fn stage(&mut self, command: Command, problems: FieldErrors) -> Result<Done, CommandError> {
        if let Command::Subscription(command) = command {
            let now = self.clock.now();
            let done = super::subscriptions::apply(&*self.store, &self.book, command, now);
            return Ok(done.inspect_err(|e| {
                tracing::warn!(error = %e, "could not store a visitor's change; it was not applied");
            })?);
        }
        if let Command::Report { component, text } = command {
            return self.report(component, text);
        }
        let before = self.book.clone();
        let applied = self.apply(command, problems).and_then(|applied| {
            self.persist(&applied.events, &[]).map_err(|e| {
                tracing::warn!(error = %e, "could not store an engineer's change; it was not applied");
                CommandError::Storage
            })?;
            Ok(applied.done)
        });
        if applied.is_err() {
            self.book = before;
        }
        applied
    }

    fn apply(&mut self, command: Command, problems: FieldErrors) -> Result<Applied, CommandError> {
        let now = self.clock.now();
        let config = self.config.clone();
        // Each component's status as customers see it now: only the status,
        // not the whole view of each, and taken before the book is changed
        // (holding the book itself would make the change copy it again).
        let current: HashMap<&ComponentId, ComponentStatus> = {
            let book = &self.book;
            let active: Vec<&Maintenance> = (book.maintenances.values())
                .filter(|m| m.status.is_active())
                .collect();
            (config.components.iter())
                .map(|c| {
                    let checks = self.engine.components.get(&c.id);
                    let checks = checks.map_or(ComponentStatus::Operational, |s| s.status);
                    (&c.id, effective_status_among(&c.id, checks, &active, book))
                })
                .collect()
        };
        let status_of =
            |id: &ComponentId| (current.get(id).copied()).unwrap_or(ComponentStatus::Operational);
        let book = Arc::make_mut(&mut self.book);
        match command {
            Command::OpenIncident(input) => {
                let v = merge(input.validate(&config, now), &problems)?;
                let (id, events) = book.open_incident(v, &status_of, now);
                Ok(Applied {
                    events,
                    done: incident(book, &id)?,
                })
            }
            Command::UpdateIncident { id, input } => {
                let v = merge(input.validate(&config, now), &problems)?;
                let events = book
                    .update_incident(&id, v, &status_of, now)
                    .map_err(from_book)?;
                Ok(Applied {
                    events,
                    done: incident(book, &id)?,
                })
            }
            Command::SplitIncident { id, input } => {
                let v = merge(input.validate(&config), &problems)?;
                let member = |c: &ComponentId| super::member(&config, c);
                let (new, events) = book
                    .split_incident(&id, v, &member, now)
                    .map_err(from_book)?;
                Ok(Applied {
                    events,
                    done: incident(book, &new)?,
                })
            }
            Command::WritePostmortem { id, body } => {
                let body = merge(crate::incidents::input::postmortem(body), &problems)?;
                let events = book
                    .write_postmortem(&id, body.unwrap_or_default(), now)
                    .map_err(from_book)?;
                Ok(Applied {
                    events,
                    done: incident(book, &id)?,
                })
            }
            Command::ScheduleMaintenance(input) => {
                let v = merge(input.validate(&config, now), &problems)?;
                let (id, events) = book.schedule_maintenance(v, now);
                Ok(Applied {
                    events,
                    done: maintenance(book, &id)?,
                })
            }
            Command::UpdateMaintenance { id, input } => {
                let v = merge(input.validate(), &problems)?;
                let mut events = book.update_maintenance(&id, v, now).map_err(from_book)?;
                let ended = book
                    .maintenances
                    .get(&id)
                    .filter(|m| !m.status.is_active())
                    .map(|m| m.components.clone());
                if let Some(components) = ended {
                    let engine = &self.engine;
                    let observe = |c: &ComponentId| super::observe(&config, engine, c);
                    let rules = &config.incidents;
                    events.extend(auto::open_if_failing(
                        book,
                        &components,
                        &observe,
                        now,
                        rules,
                    ));
                }
                Ok(Applied {
                    events,
                    done: maintenance(book, &id)?,
                })
            }
            // Taken by `stage` before the book is touched.
            c @ (Command::Subscription(_) | Command::Report { .. }) => Err(CommandError::NotFound(
                format!("{c:?} is not an engineer's command"),
            )),
            Command::SetGroup { group, status } => {
                set_group(book, &config, group, status.as_deref(), &problems, now)
            }
            Command::SetComponent { id, status } => {
                let component = ComponentId::parse(&id)
                    .ok()
                    .filter(|c| config.component(c).is_some())
                    .ok_or_else(|| {
                        CommandError::NotFound(format!("no component with id \"{id}\""))
                    })?;
                let status = merge(input::component_status(status.as_deref()), &problems)?;
                let events = book.set_component(&component, status, now);
                Ok(Applied {
                    events,
                    done: Done::Component { id, status },
                })
            }
        }
    }
}

/// Validation's result with the sender's problems added: any problem refuses.
fn merge<T>(validated: Result<T, FieldErrors>, problems: &FieldErrors) -> Result<T, CommandError> {
    match validated {
        Ok(v) if problems.is_empty() => Ok(v),
        Ok(_) => Err(CommandError::Invalid(problems.clone())),
        Err(errors) => {
            // The sender's finding is the more precise one ("must be a string").
            let mut all = problems.clone();
            for (field, message) in errors.0 {
                all.add(field, message);
            }
            Err(CommandError::Invalid(all))
        }
    }
}

/// Every component of `group` to `status`: one change, one commit.
fn set_group(
    book: &mut Book,
    config: &Config,
    group: String,
    status: Option<&str>,
    problems: &FieldErrors,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Applied, CommandError> {
    let members: Vec<&ComponentId> = (config.components.iter())
        .filter(|c| c.group.as_deref() == Some(group.as_str()))
        .map(|c| &c.id)
        .collect();
    let mut unknown = problems.clone();
    if members.is_empty() {
        unknown.add("group", format!("no group named \"{group}\""));
    }
    let status = merge(input::component_status(status), &unknown)?;
    let events = (members.iter())
        .flat_map(|id| book.set_component(id, status, now))
        .collect();
    Ok(Applied {
        events,
        done: Done::Group {
            group,
            status,
            count: members.len(),
        },
    })
}

fn incident(book: &Book, id: &IncidentId) -> Result<Done, CommandError> {
    book.incidents
        .get(id)
        .cloned()
        .map(Done::Incident)
        .ok_or_else(|| CommandError::no_such("incident", id.as_str()))
}

fn maintenance(book: &Book, id: &MaintenanceId) -> Result<Done, CommandError> {
    book.maintenances
        .get(id)
        .cloned()
        .map(Done::Maintenance)
        .ok_or_else(|| CommandError::no_such("maintenance", id.as_str()))
}

fn from_book(e: BookError) -> CommandError {
    match e {
        BookError::NotFound { .. } => CommandError::NotFound(e.to_string()),
        BookError::Invalid(fields) => CommandError::Invalid(fields),
    }
}

impl From<FieldErrors> for CommandError {
    fn from(e: FieldErrors) -> Self {
        CommandError::Invalid(e)
    }
}
