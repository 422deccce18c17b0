//! What the server did with a question, recorded as it happens, for the explanation of an
//! answer (`crate::explain`).
//!
//! Answering never looks at a trace: [`World::trace`](super::World) is `None` on every path but
//! the explaining one, and each note is a branch on that. The notes are facts about the chain
//! (which block, which plugin answered or passed the question on, what the `kubernetes` plugin
//! was asked); the reasons behind a `kubernetes` answer are worked out afterwards from the
//! cluster, by the same rules.

use std::cell::RefCell;

use hickory_proto::rr::{Name, RecordType};

use crate::answer::{Outcome, Zone};
use crate::config::KubernetesConfig;

/// The notes of one question's way through the server, in order.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    notes: RefCell<Vec<Note>>,
}

/// One note, at the depth of the question it belongs to (0: the client's; 1: a question the
/// server asked itself on its behalf, as for a CNAME target).
#[derive(Debug, Clone)]
pub(crate) struct Note {
    pub(crate) depth: u8,
    pub(crate) event: Event,
}

/// What happened.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    /// A question reached the server.
    Question { name: Name, qtype: RecordType },
    /// A zone transfer served at a zone apex by the `transfer` plugin.
    Transfer { zone: Name },
    /// No block's zone contains the name (every block's zones, for the explanation).
    NoBlock { zones: Vec<Name> },
    /// The block of `zone` answers; its plugins in chain order.
    Block { zone: Name, plugins: Vec<String> },
    /// The block has no plugin.
    EmptyBlock,
    /// A plugin answered (`answered`) or passed the question on.
    Plugin {
        name: String,
        answered: Option<Outcome>,
    },
    /// A `rewrite` rule matched: the question (`name type class`) before and after.
    Rewritten { before: String, after: String },
    /// The `kubernetes` plugin was asked `name`/`qtype` (which `autopath` may have built),
    /// and answered, passed it on, or refused it.
    Kubernetes {
        config: Box<KubernetesConfig>,
        zones: Vec<Zone>,
        name: Name,
        qtype: RecordType,
        answered: Option<Outcome>,
    },
    /// The last plugin passed the question on: SERVFAIL.
    EndOfChain,
    /// The server was asked again too deep: SERVFAIL.
    TooDeep,
}

impl Trace {
    /// Records `event` at `depth`.
    pub(crate) fn note(&self, depth: u8, event: Event) {
        self.notes.borrow_mut().push(Note { depth, event });
    }

    /// Where the next note goes, for an event known only after the ones it encloses.
    pub(crate) fn reserve(&self, depth: u8) -> usize {
        let mut notes = self.notes.borrow_mut();
        notes.push(Note {
            depth,
            event: Event::EndOfChain,
        });
        notes.len() - 1
    }

    /// Fills a reserved place.
    pub(crate) fn fill(&self, slot: usize, event: Event) {
        if let Some(note) = self.notes.borrow_mut().get_mut(slot) {
            note.event = event;
        }
    }

    /// The notes, in order.
    pub(crate) fn into_notes(self) -> Vec<Note> {
        self.notes.into_inner()
    }
}
