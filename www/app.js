// The first cognito-fetch demo: sign S3 requests with local-aws's development credentials.
// Plain script (no modules, no build step); window.CognitoFetch comes from /pkg/cognito-fetch.js.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const buttons = ['put', 'get', 'list'].map($);
  let aws = null; // local-aws's state: endpoint, region, bucket, credentials, …

  function setStatus(text, isError) {
    $('status').textContent = text;
    $('status').classList.toggle('error', Boolean(isError));
  }

  // Path-style URL of a key: every segment percent-encoded, so spaces, unicode and '//' survive.
  function objectUrl(key) {
    const path = key ? '/' + key.split('/').map(encodeURIComponent).join('/') : '';
    return aws.endpoint + '/' + aws.bucket + path;
  }

  // What a person may see of a signed request: never the secret, never the whole signature.
  function describeSigned(signed) {
    const lines = [signed.method + ' ' + signed.url];
    for (const [name, value] of Object.entries(signed.headers)) {
      let shown = value;
      if (name === 'authorization') shown = value.replace(/Signature=([0-9a-f]{8})[0-9a-f]*/, 'Signature=$1…');
      if (name === 'x-amz-security-token') shown = value.slice(0, 8) + '…';
      lines.push(name + ': ' + shown);
    }
    return lines.join('\n');
  }

  async function send(method, url, body) {
    const headers = body === undefined ? {} : { 'content-type': 'text/plain; charset=utf-8' };
    const signed = await CognitoFetch.signRequest({
      method, url, headers, body, region: aws.region, service: 's3', credentials: aws.credentials,
    });
    $('signed').textContent = describeSigned(signed);
    const res = await fetch(signed.url, { method: signed.method, headers: signed.headers, body });
    const text = await res.text();
    $('response').textContent = res.status + ' ' + res.statusText + (text ? '\n\n' + text : '');
    return { res, text };
  }

  function showKeys(xml) {
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    const list = $('keys');
    list.replaceChildren();
    $('keys-h').hidden = false;
    for (const node of doc.querySelectorAll('Contents > Key')) {
      const item = document.createElement('li');
      const pick = document.createElement('button');
      pick.type = 'button';
      pick.textContent = node.textContent;
      pick.title = 'Use this key';
      pick.addEventListener('click', () => { $('key').value = node.textContent; $('key').focus(); });
      item.append(pick);
      list.append(item);
    }
    if (!list.children.length) list.append(Object.assign(document.createElement('li'), { textContent: '(empty bucket)' }));
  }

  // Runs one action with the buttons disabled; shows a thrown error's code and message.
  function action(fn) {
    return async (event) => {
      event?.preventDefault();
      buttons.forEach((b) => { b.disabled = true; });
      try {
        await fn();
      } catch (err) {
        $('response').textContent = 'Error' + (err.code ? ' ' + err.code : '') + ': ' + err.message;
      } finally {
        buttons.forEach((b) => { b.disabled = false; });
      }
    };
  }

  $('object-form').addEventListener('submit', action(() => send('PUT', objectUrl($('key').value), $('body').value)));
  $('get').addEventListener('click', action(() => send('GET', objectUrl($('key').value))));
  $('list').addEventListener('click', action(async () => {
    const { res, text } = await send('GET', objectUrl('') + '?list-type=2');
    if (res.ok) showKeys(text);
  }));

  async function start() {
    if (typeof CognitoFetch === 'undefined') {
      throw new Error('/pkg/cognito-fetch.js did not load: run `npm run build` (or `npm start`).');
    }
    const stateRes = await fetch('/local-aws.json');
    if (!stateRes.ok) throw new Error('/local-aws.json: ' + stateRes.status + ' (is local-aws running? use `npm start`)');
    aws = await stateRes.json();
    await CognitoFetch.ready;
    $('endpoint').textContent = aws.endpoint;
    $('region').textContent = aws.region;
    $('bucket').textContent = aws.bucket;
    $('access-key').textContent = aws.credentials.accessKeyId;
    buttons.forEach((b) => { b.disabled = false; });
    setStatus('Ready: requests are signed in this page with local-aws\'s development credentials.');
  }

  start().catch((err) => setStatus('Not ready: ' + (err.code ? err.code + ': ' : '') + err.message, true));
})();
