// Heron edge gateway: terminates partner connections (SFTP drop, HTTP/2 API) in front of the tracking API.
package main

import (
	"fmt"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/ssh"
	"golang.org/x/net/http2"
)

func main() { fmt.Println("edge-gateway", gin.Version(), ssh.Version(), http2.Name()) }
