#!/usr/bin/env python3
"""Start moto_server on 127.0.0.1 with a free port for the tests.

usage: moto_run.py [MOTO_SERVER]
Prints "PORT\\n" once moto answers, then waits; SIGTERM stops moto too.
Default AMIs are not loaded (they make a thousand snapshots); AWS managed IAM
policies are (the CIS support-role check attaches AWSSupportAccess).
"""
import os
import signal
import socket
import subprocess
import sys
import time


def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else "moto_server"
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env = dict(os.environ, MOTO_EC2_LOAD_DEFAULT_AMIS="false", MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    child = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)

    def stop(*_):
        child.terminate()
        try:
            child.wait(5)
        except subprocess.TimeoutExpired:
            child.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(300):
        if child.poll() is not None:
            sys.exit("moto_server exited with %d" % child.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    print(port, flush=True)
    child.wait()


if __name__ == "__main__":
    main()
