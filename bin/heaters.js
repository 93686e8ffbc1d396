#!/usr/bin/env node
// Package bin: hands over to the TypeScript CLI (Node >= 22.12 runs .ts sources directly).
import('../src/cli/main.ts');
