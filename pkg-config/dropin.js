/*! cognito-fetch drop-in: <script src=".../cognito-fetch.js"></script> defines window.CognitoFetch.
    Wait for `await CognitoFetch.ready` (it loads cognito_fetch_bg.wasm from beside this script). */
(function () {
  'use strict';
  var scriptUrl = document.currentScript && document.currentScript.src ? document.currentScript.src : location.href;
  /*GLUE*/
  var loaded = false;
  var api = {};
  var names = /*EXPORTS*/;
  names.forEach(function (name) {
    api[name] = function () {
      if (!loaded) {
        var e = new Error('CognitoFetch is still loading: call ' + name + ' after `await CognitoFetch.ready`');
        e.name = e.code = 'NotReady';
        throw e;
      }
      // A stub kept from before `ready` still works, as a function or with `new` (UserPool, S3 ... are classes).
      var real = wasm_bindgen[name];
      return new.target ? Reflect.construct(real, arguments) : real.apply(undefined, arguments);
    };
  });
  api.ready = wasm_bindgen({ module_or_path: new URL('cognito_fetch_bg.wasm', scriptUrl) }).then(function () {
    loaded = true;
    // The real exports from now on: `new CognitoFetch.S3(...)`, `instanceof CognitoFetch.UserPool` work.
    names.forEach(function (name) { api[name] = wasm_bindgen[name]; });
    return api;
  });
  window.CognitoFetch = api;
})();
