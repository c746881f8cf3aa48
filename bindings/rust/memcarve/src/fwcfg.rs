//! The e820 table as firmware reads it from fw_cfg "etc/e820"
//! (memcarve-fwcfg.h), and that firmware's limits.
use crate::e820::E820Entry;
use crate::error::Result;
use crate::map::Map;
use memcarve_sys as sys;

/// Firmware that reads fw_cfg "etc/e820" (`enum mc_fw`).
///
/// ```
/// assert_eq!(memcarve::Firmware::SeaBios, memcarve::Firmware::SeaBios);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Firmware {
    /// SeaBIOS: keeps RAM (1) and reserved (2) entries only, at most 32
    /// (BUILD_MAX_E820) including its own.
    SeaBios,
}

impl Map {
    /// Whether `fw` keeps every entry of `table` (the blob is
    /// [`crate::e820_encode`] of it). The count is necessary, not
    /// sufficient: SeaBIOS adds entries of its own into the same 32.
    ///
    /// ```
    /// use memcarve::{Firmware, Map};
    /// let mut map = Map::parse("arch x86_64\nram 0x0 640K\nram 0x100000 1G\nacpi 0x40100000 64K\n")?;
    /// let table = map.carve()?.e820(false)?;
    /// let err = map.e820_fw_check(&table, Firmware::SeaBios).unwrap_err();
    /// assert!(matches!(err, memcarve::Error::Invalid(_)));
    /// assert!(map.e820_fw_check(&table[..2], Firmware::SeaBios).is_ok());
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn e820_fw_check(&mut self, table: &[E820Entry], fw: Firmware) -> Result<()> {
        let fw = match fw {
            Firmware::SeaBios => sys::MC_FW_SEABIOS,
        };
        let rc = unsafe { sys::mc_e820_fw_check(self.ptr(), table.as_ptr(), table.len(), fw) };
        self.check(rc)
    }
}
