package http2

// Name is a placeholder for the vendored module (see vendor/README).
func Name() string { return "h2" }
