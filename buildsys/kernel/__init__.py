"""A kernel tree prepared for external modules: release, .config, compiler, fingerprint, kbuild."""
