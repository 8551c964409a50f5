//! The app's state as its components read it: the one cell the shell owns, the revision it is
//! at, and the part of it a component is given.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use super::state::State;

/// A part of the app's state (a feature's, usually), as a component's props carry it.
///
/// Cloning one copies a pointer, and two are equal when they are of the same state at the
/// same revision: a component renders again after every change of the state, as the one
/// component that showed everything did, without deep comparisons or copies of the state
/// (both cost the first download more than they would save in rendering).
pub struct Seen<T: 'static> {
    cell: Rc<RefCell<State>>,
    revision: u32,
    part: fn(&State) -> &T,
}

impl<T> Seen<T> {
    /// The part of `cell`'s state that `part` picks, at `revision`.
    pub fn new(cell: &Rc<RefCell<State>>, revision: u32, part: fn(&State) -> &T) -> Self {
        Seen {
            cell: Rc::clone(cell),
            revision,
            part,
        }
    }

    /// The part, to read while rendering (the shell changes the state only between renders).
    pub fn read(&self) -> Ref<'_, T> {
        Ref::map(self.cell.borrow(), self.part)
    }
}

impl<T> Clone for Seen<T> {
    fn clone(&self) -> Self {
        Seen {
            cell: Rc::clone(&self.cell),
            revision: self.revision,
            part: self.part,
        }
    }
}

impl<T> PartialEq for Seen<T> {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision && Rc::ptr_eq(&self.cell, &other.cell)
    }
}
