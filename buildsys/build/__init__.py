"""`doit build`: netmap.ko and the drivers through kbuild, libnetmap, the apps, build.json."""
