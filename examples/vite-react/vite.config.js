import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Nothing for cognito-fetch: Vite copies its wasm (the `new URL(…, import.meta.url)` pattern) in build and dev.
export default defineConfig({ plugins: [react()] });
