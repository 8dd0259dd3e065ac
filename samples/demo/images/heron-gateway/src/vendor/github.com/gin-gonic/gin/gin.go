package gin

// Version is a placeholder for the vendored module (see vendor/README).
func Version() string { return "v1.5.0" }
