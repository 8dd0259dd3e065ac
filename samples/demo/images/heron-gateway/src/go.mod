module heron.example/edge-gateway

go 1.19

require (
	github.com/gin-gonic/gin v1.5.0
	golang.org/x/crypto v0.17.0
	golang.org/x/net v0.0.0-20220722155237-a158d28d115b
)
