#!/usr/bin/env node
'use strict';
// Rewrites src/crypto/sha-wasm.ts from src/crypto/sha-wasm-build.ts (needs a build: npm run build).
const fs = require('node:fs');
const path = require('node:path');
const { shaWasmSource } = require('../dist/crypto/sha-wasm-build.js');
fs.writeFileSync(path.join(__dirname, '..', 'src', 'crypto', 'sha-wasm.ts'), shaWasmSource());
