"""Learning paths: ordered milestones toward a role, reached through tagged check-ins or a
member's word (with a link to their work). Platform-neutral domain: the model, the path file
format, the catalogue of built-in and organizer-added paths, and each member's progress."""
