// api.js: the JSON API with the key kept in sessionStorage.
const KEY = 'instanttranscriber.key';

export const session = {
  get key() { return sessionStorage.getItem(KEY) || ''; },
  set(k) { sessionStorage.setItem(KEY, k); },
  clear() { sessionStorage.removeItem(KEY); },
};

// APIError carries the server's {error:{code,message}}.
export class APIError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function errorOf(res) {
  let code = 'http_' + res.status, msg = res.status + ' ' + res.statusText;
  try {
    const b = await res.json();
    if (b && b.error) { code = b.error.code || code; msg = b.error.message || msg; }
  } catch { /* not JSON */ }
  return new APIError(res.status, code, msg);
}

// api calls the API with the session key (or key) and returns the decoded
// JSON body, or null for 204.
export async function api(method, path, body, key) {
  const headers = { Authorization: 'Bearer ' + (key || session.key) };
  const init = { method, headers };
  if (body !== undefined) { headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  const res = await fetch(path, init);
  if (!res.ok) throw await errorOf(res);
  return res.status === 204 ? null : res.json();
}

// upload posts a multipart form with XMLHttpRequest, for upload progress.
export function upload(form, onProgress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', '/v1/transcriptions');
    x.setRequestHeader('Authorization', 'Bearer ' + session.key);
    x.responseType = 'json';
    x.upload.onprogress = e => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    x.onload = () => {
      if (x.status >= 200 && x.status < 300) { resolve(x.response); return; }
      const e = x.response && x.response.error;
      reject(new APIError(x.status, e ? e.code : 'http_' + x.status, e ? e.message : 'upload failed: ' + x.status));
    };
    x.onerror = () => reject(new APIError(0, 'network', 'network error: the upload did not reach the server'));
    x.send(form);
  });
}
