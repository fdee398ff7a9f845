"""`doit vmtest`: boot the target Debian kernel in QEMU and test the built modules."""
