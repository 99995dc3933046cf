import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = import.meta.dirname;
// The dev server forwards API calls to a locally running `npm run dev` so cookies stay same-origin.
const api = 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: path.resolve(root, '../dist/web'),
    emptyOutDir: true,
    // Vendor code changes far less often than ours: separate chunks stay cached across our releases.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/ },
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[a-z-]+|dayjs)[\\/]/ },
          ],
        },
      },
    },
    chunkSizeWarningLimit: 1600,
  },
  server: {
    proxy: { '/api': api, '/healthz': api },
  },
});
