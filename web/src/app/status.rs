//! What every feature shares: the status line, the one job the app runs at a time, and the
//! shape of a feature reducer's answer.

/// A line for the status area.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub error: bool,
    pub text: String,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Notice {
            error: false,
            text: text.into(),
        }
    }
    pub fn error(text: impl Into<String>) -> Self {
        Notice {
            error: true,
            text: text.into(),
        }
    }
}

/// The app's own status, which any feature may set: the job under way and the last notice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// `Some(what)` while a key pair is made or a CA is asked: one such job at a time.
    pub busy: Option<String>,
    /// The status line under the Generate button.
    pub notice: Option<Notice>,
}

impl Status {
    /// Whether no job is under way.
    pub fn idle(&self) -> bool {
        self.busy.is_none()
    }
}

/// What a feature's reducer hands back: browser work for the shell to run ([`Out::Run`]), or
/// news for the other features ([`Out::Tell`]), which the app's state turns into their
/// messages. Features never change each other's state themselves.
#[derive(Clone, Debug, PartialEq)]
pub enum Out<C, E> {
    Run(C),
    Tell(E),
}
