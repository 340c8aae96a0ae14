// The command centre is built into the API's wwwroot (index.html and assets/), which the service serves at /.
// The API's other static files there (fonts/, the glyphs) are not the build's: the folder is not emptied.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: '../SpatialGrid.Api/wwwroot',
    emptyOutDir: false,
    assetsDir: 'assets',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // MapLibre and ECharts change rarely: separate files the browser keeps across releases of the views.
        manualChunks: (id) => (id.includes('node_modules/maplibre-gl') ? 'maplibre' : id.includes('node_modules/echarts') || id.includes('node_modules/zrender') ? 'echarts' : undefined),
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:5080', '/tiles': 'http://127.0.0.1:5080', '/fonts': 'http://127.0.0.1:5080' } },
});
