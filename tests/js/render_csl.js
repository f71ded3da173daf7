// Renders CSL-JSON items with citeproc-js, the CSL processor of Zotero and Mendeley:
//   node render_csl.js STYLE.csl LOCALES_DIR < items.json
// prints {"item id": "its bibliography entry as plain text", ...}.
'use strict';
const fs = require('fs');
const path = require('path');
const CSL = require('citeproc');

const [style, localesDir] = process.argv.slice(2);
const items = JSON.parse(fs.readFileSync(0, 'utf8'));
const byId = new Map(items.map(item => [String(item.id), item]));
const engine = new CSL.Engine({
  retrieveItem: id => byId.get(String(id)),
  retrieveLocale: lang => {
    const file = path.join(localesDir, `locales-${lang}.xml`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : false;
  },
}, fs.readFileSync(style, 'utf8'));
engine.setOutputFormat('text');
engine.updateItems([...byId.keys()]);
const [meta, entries] = engine.makeBibliography();
if (meta.bibliography_errors.length) {
  throw new Error(JSON.stringify(meta.bibliography_errors));
}
process.stdout.write(JSON.stringify(Object.fromEntries(meta.entry_ids.map((ids, i) => [ids[0], entries[i].trim()]))));
