"""studybot kernel: platform-neutral core shared by every adapter."""
