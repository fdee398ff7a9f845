"""NIC drivers before the build: selection, their kernel sources, patch ranges, the porting aid."""
