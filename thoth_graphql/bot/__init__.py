"""The update bot (Kebechet's job): keep a project's lock file at what advise recommends."""
