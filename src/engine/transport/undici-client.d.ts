// undici's Client module on its own (network-libraries.ts loads it without the package's index); the
// package ships no types for its lib/ files, so the class is typed from its index.
declare module 'undici/lib/dispatcher/client.js' {
  import type { Client } from 'undici';
  const ClientClass: typeof Client;
  export default ClientClass;
}
