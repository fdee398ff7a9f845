"""`doit configure`: netmap's sources, the probe run, and the typed record of what it found."""
