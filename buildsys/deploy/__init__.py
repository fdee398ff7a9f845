"""After the build: install and uninstall, load and unload, the DKMS tree, the .deb."""
