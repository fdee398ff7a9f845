"""`doit build`: netmap.ko and the drivers through kbuild, libnetmap and the apps, ELF checks, build.json."""
