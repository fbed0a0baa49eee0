// The drop-in scripts' common part (dropin.js, entries/*.dropin.js): window.CognitoFetch, whose functions and
// classes throw NotReady until the wasm has started, and `ready`, a Promise of the API once it has.
import { start } from './load.js';
import { fail } from './io.js';

/** Defines window.CognitoFetch with the exports `real` (named one by one by the caller: a namespace import would
 *  keep every internal export of the modules, and its name, in the bundle), loading `wasm` from beside the script. */
export function dropIn(wasm, real) {
  const scriptUrl = document.currentScript?.src || location.href;
  let loaded = false;
  const api = {};
  for (const name of Object.keys(real)) {
    api[name] = function (...args) {
      if (!loaded) throw fail('NotReady', `CognitoFetch is still loading: call ${name} after \`await CognitoFetch.ready\``);
      // A stub kept from before `ready` still works, as a function or with `new` (UserPool, S3 ... are classes).
      return new.target ? Reflect.construct(real[name], args) : real[name](...args);
    };
  }
  api.ready = start([new URL(wasm, scriptUrl)]).then(() => {
    loaded = true;
    // The real exports from now on: `new CognitoFetch.S3(...)`, `instanceof CognitoFetch.UserPool` work.
    Object.assign(api, real);
    return api;
  });
  window.CognitoFetch = api;
}
