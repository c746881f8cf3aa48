"""memcarve guest-boot harness: boots real Linux guests under QEMU.

The public interface lives in tests/guest/guest.py; this package holds the
pieces (fetching, image building, device trees, parsing, comparing).
"""
