//! Errors: the library's MC_E* code with the diagnostics the map recorded.
use memcarve_sys as sys;
use std::ffi::CStr;
use std::fmt;
use std::os::raw::c_char;

/// One diagnostic of the library (`struct mc_error`), copied out of the map.
///
/// ```
/// let err = memcarve::Map::parse("ram 0x0 0\n").unwrap_err();
/// let d = &err.diagnostics()[0];
/// assert_eq!((d.source.as_str(), d.line, d.field.as_str()), ("<str>", 1, "size"));
/// assert!(d.message.starts_with("<str>:1: size:"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The MC_E* code (negative).
    pub code: i32,
    /// The file or buffer name, "" if none.
    pub source: String,
    /// The line in `source`, 0 if the error is not about one line.
    pub line: u32,
    /// The field at fault ("size", "opts.base"), "" if none.
    pub field: String,
    /// The whole message, ready to print.
    pub message: String,
}

/// What went wrong: one variant per MC_E* code, each with the diagnostics
/// the call left, in order (a map keeps 32; past them a last diagnostic,
/// "N more errors not shown", counts the rest).
///
/// ```
/// use memcarve::{Error, Map};
/// let mut map = Map::parse("ram 0x0 1G\nram 0x1000 4K\n").unwrap();
/// match map.carve() {
///     Err(Error::Overlap(diags)) => assert!(diags[0].message.contains("overlaps")),
///     other => panic!("{:?}", other.map(|_| ())),
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// MC_EINVAL: malformed input, a bad value.
    Invalid(Vec<Diagnostic>),
    /// MC_ERANGE: a number or range does not fit.
    Range(Vec<Diagnostic>),
    /// MC_EALIGN: a base or size breaks a required alignment.
    Align(Vec<Diagnostic>),
    /// MC_EOVERLAP: ranges conflict.
    Overlap(Vec<Diagnostic>),
    /// MC_ENOROOM: relocate found no room.
    NoRoom(Vec<Diagnostic>),
    /// MC_ENOMEM: an allocation failed.
    NoMemory(Vec<Diagnostic>),
    /// MC_EIO: reading a file failed.
    Io(Vec<Diagnostic>),
    /// MC_ESTATE: a call out of order.
    State(Vec<Diagnostic>),
    /// MC_EBADBLOB: a binary input is malformed.
    BadBlob(Vec<Diagnostic>),
    /// MC_ENOSPC: the caller's buffer of an `_into` call is too small;
    /// holds the size the call needs (bytes, or entries for an e820
    /// table). Nothing was written.
    NoSpace(usize),
    /// A code this crate does not know (a newer library).
    Other(i32, Vec<Diagnostic>),
    /// A string argument holds a NUL byte, which C cannot take; names the
    /// argument.
    Nul(&'static str),
}

pub(crate) fn c_str(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // The library's strings are NUL-terminated and live while the map does.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

impl Error {
    pub(crate) fn from_code(code: i32, diags: Vec<Diagnostic>) -> Error {
        match code {
            sys::MC_EINVAL => Error::Invalid(diags),
            sys::MC_ERANGE => Error::Range(diags),
            sys::MC_EALIGN => Error::Align(diags),
            sys::MC_EOVERLAP => Error::Overlap(diags),
            sys::MC_ENOROOM => Error::NoRoom(diags),
            sys::MC_ENOMEM => Error::NoMemory(diags),
            sys::MC_EIO => Error::Io(diags),
            sys::MC_ESTATE => Error::State(diags),
            sys::MC_EBADBLOB => Error::BadBlob(diags),
            _ => Error::Other(code, diags),
        }
    }

    /// The MC_E* code (negative); MC_EINVAL for [`Error::Nul`], MC_ENOSPC
    /// for [`Error::NoSpace`].
    ///
    /// ```
    /// let err = memcarve::Map::parse("bogus\n").unwrap_err();
    /// assert_eq!(err.code(), memcarve_sys::MC_EINVAL);
    /// ```
    pub fn code(&self) -> i32 {
        match self {
            Error::Invalid(_) | Error::Nul(_) => sys::MC_EINVAL,
            Error::Range(_) => sys::MC_ERANGE,
            Error::Align(_) => sys::MC_EALIGN,
            Error::Overlap(_) => sys::MC_EOVERLAP,
            Error::NoRoom(_) => sys::MC_ENOROOM,
            Error::NoMemory(_) => sys::MC_ENOMEM,
            Error::Io(_) => sys::MC_EIO,
            Error::State(_) => sys::MC_ESTATE,
            Error::BadBlob(_) => sys::MC_EBADBLOB,
            Error::NoSpace(_) => sys::MC_ENOSPC,
            Error::Other(code, _) => *code,
        }
    }

    /// The diagnostics, first one first; empty for [`Error::Nul`] and
    /// [`Error::NoSpace`].
    ///
    /// ```
    /// let err = memcarve::Map::parse("ram 0x0 0\nmmio 0x0\n").unwrap_err();
    /// assert_eq!(err.diagnostics().len(), 2);
    /// ```
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Invalid(d)
            | Error::Range(d)
            | Error::Align(d)
            | Error::Overlap(d)
            | Error::NoRoom(d)
            | Error::NoMemory(d)
            | Error::Io(d)
            | Error::State(d)
            | Error::BadBlob(d)
            | Error::Other(_, d) => d,
            Error::Nul(_) | Error::NoSpace(_) => &[],
        }
    }
}

/// The diagnostics' messages, one a line; without any, the code's
/// description (`mc_strerror()`).
///
/// ```
/// let err = memcarve::Map::parse("ram 0x0 0\n").unwrap_err();
/// assert_eq!(err.to_string(), err.diagnostics()[0].message);
/// ```
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Error::Nul(what) = self {
            return write!(f, "{}: holds a NUL byte", what);
        }
        if let Error::NoSpace(needed) = self {
            return write!(f, "the buffer is too small: {} needed", needed);
        }
        let diags = self.diagnostics();
        if diags.is_empty() {
            return f.write_str(&c_str(unsafe { sys::mc_strerror(self.code()) }));
        }
        for (i, d) in diags.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(&d.message)?;
        }
        Ok(())
    }
}

/// ```
/// fn boxed() -> Result<(), Box<dyn std::error::Error>> {
///     memcarve::Map::parse("ram 0x0 0\n")?;
///     Ok(())
/// }
/// assert!(boxed().is_err());
/// ```
impl std::error::Error for Error {}

/// `Result<T, memcarve::Error>`.
///
/// ```
/// fn slots(text: &str) -> memcarve::Result<usize> {
///     Ok(memcarve::Map::parse(text)?.carve()?.slots().len())
/// }
/// assert_eq!(slots("ram 0x0 1G\n"), Ok(1));
/// ```
pub type Result<T> = std::result::Result<T, Error>;
