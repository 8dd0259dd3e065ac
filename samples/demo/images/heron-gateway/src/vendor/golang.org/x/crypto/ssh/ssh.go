package ssh

// Version is a placeholder for the vendored module (see vendor/README).
func Version() string { return "SSH-2.0-Go" }
