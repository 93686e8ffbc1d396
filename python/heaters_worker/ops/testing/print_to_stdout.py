"""print_to_stdout (test only): writes to "stdout" every way a library might, then returns a result.

None of it may reach the protocol stream: print() goes to sys.stdout (reassigned to stderr), and fd 1
itself was pointed at stderr at start-up, which also catches os.write(1) and child processes.
"""
import os
import subprocess
import sys
from typing import Any

NAME = "print_to_stdout"
TEST_ONLY = True


def run(args: dict, ctx: Any) -> dict:
    text = str(args.get("text", "stray output"))
    print(text)
    print("{\"id\": \"forged\", \"type\": \"result\", \"data\": {}}")
    sys.__stdout__.write(text + " via sys.__stdout__\n")
    sys.__stdout__.flush()
    os.write(1, (text + " via os.write(1)\n").encode())
    subprocess.run(["echo", text + " via a child process"], check=True)
    return {"printed": True, "text": text}
