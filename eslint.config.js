import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';

/**
 * Layer rules (see ARCHITECTURE.md). Each zone: files in `target` may not import from `from`
 * (except the `except` subfolders of `from`).
 */
const main = (folder) => `./src-main/${folder}`;
const layers = [
  // The contract is the bottom: it imports nothing of the application.
  { target: './src-shared', from: ['./src-main', './src-preload', './src-renderer'], message: 'src-shared is the contract: it imports nothing of the application.' },
  // The renderer talks to the back end through the contract only.
  { target: './src-renderer', from: ['./src-main', './src-preload'], message: 'The renderer imports only src-shared (requests and events cross the bridge).' },
  { target: './src-preload', from: ['./src-main', './src-renderer'], message: 'The preload bridge imports only src-shared.' },
  { target: './src-main', from: ['./src-renderer', './src-preload'], message: 'The back end imports only src-shared, never the renderer or the preload bridge.' },
  // Inside the back end, from the bottom up: core < media < project < engine < adaptation < api < shells.
  { target: main('core'), from: ['./src-main'], except: ['./core'], message: 'core is below everything in the back end.' },
  { target: main('media'), from: ['./src-main'], except: ['./core', './media'], message: 'media depends on core only.' },
  { target: main('project'), from: [main('engine'), main('adaptation'), main('api'), main('shell'), main('host'), main('cli')], message: 'project is below the engine, adaptation and api.' },
  { target: main('engine'), from: [main('adaptation'), main('api'), main('shell'), main('host'), main('cli')], message: 'The engine is below adaptation and api.' },
  { target: main('adaptation'), from: [main('api'), main('shell'), main('host'), main('cli')], message: 'adaptation is below api and the shells.' },
  { target: main('api'), from: [main('shell'), main('host'), main('cli')], message: 'api is below the shells.' },
  // Inside the renderer: logic < api < stores < orchestration < components and views.
  { target: './src-renderer/logic', from: ['./src-renderer/api', './src-renderer/stores', './src-renderer/orchestration', './src-renderer/components', './src-renderer/views'], message: 'logic/ is plain functions: it imports no state.' },
  { target: './src-renderer/stores', from: ['./src-renderer/orchestration', './src-renderer/components', './src-renderer/views'], message: 'A store owns its own state; orchestration (lifecycle, navigation, keyboard) sits above the stores.' },
  { target: './src-renderer/orchestration', from: ['./src-renderer/components', './src-renderer/views'], message: 'Orchestration is below the components and views.' },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bench/results/**', 'bench/.work/**', 'resources/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src-shared/**/*.ts', 'src-main/**/*.ts', 'src-preload/**/*.ts', 'src-renderer/**/*.ts', 'src-renderer/**/*.svelte'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.svelte', '.json'] })],
      // Components are not followed for cycles (their imports are linted in the component itself).
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layers }],
    },
  },
);
