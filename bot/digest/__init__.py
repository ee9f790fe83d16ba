"""Weekly digests: schedule and compose (pure), deliver and tick (shell)."""
