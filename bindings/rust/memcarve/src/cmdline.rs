//! The carved map as a Linux kernel command line (memcarve-cmdline.h).
use crate::error::Result;
use crate::map::{c_string, Carved};
use memcarve_sys as sys;
use std::os::raw::c_void;
use std::ptr;

/// Which kernel parser the tokens are written for.
///
/// ```
/// assert_eq!(memcarve::CmdlineOptions::default().style, memcarve::CmdlineStyle::Auto);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmdlineStyle {
    /// From the map's arch.
    Auto,
    /// MIPS mem=/memmap=.
    Mips,
    /// x86 memmap=exactmap and its tokens.
    X86,
}

/// Who reads the string next.
///
/// ```
/// assert_eq!(memcarve::CmdlineOptions::default().escape, memcarve::Escape::None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// The kernel itself: raw bytes.
    None,
    /// A POSIX shell: single-quoted.
    Shell,
    /// A GRUB 2 "linux" line.
    Grub,
}

/// How to write the command line (`struct mc_cmdline_opts`).
///
/// ```
/// let opts = memcarve::CmdlineOptions { append: Some("console=ttyS0"), ..Default::default() };
/// assert_eq!(opts.max, 0);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CmdlineOptions<'a> {
    /// Which parser.
    pub style: CmdlineStyle,
    /// Quoting for the next reader.
    pub escape: Escape,
    /// A command line to merge with (its mem= and memmap= are dropped).
    pub append: Option<&'a str>,
    /// COMMAND_LINE_SIZE, NUL included; 0 for the arch's.
    pub max: usize,
    /// x86: `memcarve_sys::MC_CMDLINE_PRAM`, `MC_CMDLINE_RETYPE`.
    pub flags: u32,
    /// x86: the guest's E820_MAX_ENTRIES; 0 for Debian's 3200.
    pub max_entries: usize,
}

impl Default for CmdlineOptions<'_> {
    /// Auto style, raw, nothing appended.
    ///
    /// ```
    /// assert_eq!(memcarve::CmdlineOptions::default().append, None);
    /// ```
    fn default() -> Self {
        let raw = crate::map::c_init(sys::mc_cmdline_opts_init);
        CmdlineOptions {
            style: CmdlineStyle::Auto,
            escape: Escape::None,
            append: None,
            max: raw.max,
            flags: raw.flags,
            max_entries: raw.max_entries,
        }
    }
}

impl crate::Arch {
    /// COMMAND_LINE_SIZE of the arch, NUL included (`mc_cmdline_limit()`);
    /// [`crate::Arch::None`] gives the smallest.
    ///
    /// ```
    /// assert_eq!(memcarve::Arch::Mips.cmdline_limit(), 4096);
    /// assert_eq!(memcarve::Arch::None.cmdline_limit(), 2048);
    /// ```
    pub fn cmdline_limit(self) -> usize {
        unsafe { sys::mc_cmdline_limit(self.to_raw()) }
    }
}

/// A number as the kernel's memparse() reads it back exactly, in its
/// shortest form (`mc_cmdline_number()`).
///
/// ```
/// assert_eq!(memcarve::cmdline_number(640 << 10), "640K");
/// assert_eq!(memcarve::cmdline_number(0x9fc00), "639K");
/// assert_eq!(memcarve::cmdline_number(u64::MAX), "0xffffffffffffffff");
/// ```
pub fn cmdline_number(value: u64) -> String {
    let mut buf = [0 as std::os::raw::c_char; sys::MC_CMDLINE_NUMBER_MAX];
    let n = unsafe { sys::mc_cmdline_number(value, buf.as_mut_ptr()) };
    buf[..n].iter().map(|&c| c as u8 as char).collect()
}

/// The C options of `opts` handed to `f`, `append` alive for the call.
fn with_raw<R>(opts: &CmdlineOptions, f: impl FnOnce(&sys::mc_cmdline_opts) -> R) -> Result<R> {
    let append = opts.append.map(|a| c_string("opts.append", a)).transpose()?;
    let raw = sys::mc_cmdline_opts {
        style: match opts.style {
            CmdlineStyle::Auto => sys::MC_CMDLINE_AUTO,
            CmdlineStyle::Mips => sys::MC_CMDLINE_MIPS,
            CmdlineStyle::X86 => sys::MC_CMDLINE_X86,
        },
        escape: match opts.escape {
            Escape::None => sys::MC_ESCAPE_NONE,
            Escape::Shell => sys::MC_ESCAPE_SHELL,
            Escape::Grub => sys::MC_ESCAPE_GRUB,
        },
        append: append.as_ref().map_or(ptr::null(), |a| a.as_ptr()),
        max: opts.max,
        flags: opts.flags,
        max_entries: opts.max_entries,
        reserved: [0; 4],
    };
    Ok(f(&raw))
}

impl Carved<'_> {
    /// The carved map as mem=/memmap= parameters (without the NUL).
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch mips\nram 0x0 256M\nreserved 0x6000000 32M\n").unwrap();
    /// let line = map.carve().unwrap().cmdline(&Default::default()).unwrap();
    /// assert_eq!(line, "mem=96M@0 mem=128M@128M");
    /// ```
    pub fn cmdline(&mut self, opts: &CmdlineOptions) -> Result<String> {
        let map = &mut *self.map;
        let mut bytes = with_raw(opts, |raw| {
            map.alloc_bytes(|m, out, size| unsafe { sys::mc_cmdline_build_alloc(m, raw, out, size) })
        })??;
        bytes.pop(); // the NUL
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// [`Carved::cmdline`] into `buf`, NUL-terminated (what the VMM copies
    /// to the guest): the length with the NUL, or
    /// [`crate::Error::NoSpace`] with the length needed.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch mips\nram 0x0 256M\n")?;
    /// let mut carved = map.carve()?;
    /// let mut buf = [0u8; 64];
    /// let n = carved.cmdline_into(&Default::default(), &mut buf)?;
    /// assert_eq!(&buf[..n], b"mem=256M@0\0");
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn cmdline_into(&mut self, opts: &CmdlineOptions, buf: &mut [u8]) -> Result<usize> {
        let map = &mut *self.map;
        with_raw(opts, |raw| {
            map.into_buf(buf, |m, b, size| unsafe { sys::mc_cmdline_build(m, raw, b as *mut c_void, size) })
        })?
    }
}
