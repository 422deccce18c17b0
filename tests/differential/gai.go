// The real Go resolver, for tests/resolver_differential.rs: built with CGO_ENABLED=0 (and run
// with GODEBUG=netdns=go) so that the pure Go resolver answers, then run in the namespace whose
// /etc/resolv.conf and /etc/hosts are the kubelet's files of the simulated pod.
//
//	gai-go unspec|inet|inet6 NAME
//
// asks net.DefaultResolver.LookupIP(ctx, "ip"|"ip4"|"ip6", NAME) and prints one line: "ok" and
// the addresses in the order Go returned them, or "error", the error's type and its text
// ("DNSError: lookup NAME on SERVER: ERR", "AddrError: address NAME: ERR"). Exit status 0
// either way; 2 for a usage error.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gai-go unspec|inet|inet6 NAME")
		os.Exit(2)
	}
	networks := map[string]string{"unspec": "ip", "inet": "ip4", "inet6": "ip6"}
	network, ok := networks[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown family %s\n", os.Args[1])
		os.Exit(2)
	}
	ips, err := net.DefaultResolver.LookupIP(context.Background(), network, os.Args[2])
	if err != nil {
		var dnsError *net.DNSError
		var addrError *net.AddrError
		switch {
		case errors.As(err, &dnsError):
			fmt.Printf("error DNSError: %s\n", dnsError.Error())
		case errors.As(err, &addrError):
			fmt.Printf("error AddrError: %s\n", addrError.Error())
		default:
			fmt.Printf("error %T: %s\n", err, err.Error())
		}
		return
	}
	fmt.Print("ok")
	for _, ip := range ips {
		fmt.Printf(" %s", ip.String())
	}
	fmt.Println()
}
