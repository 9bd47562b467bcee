const fs = require('fs');
const path = require('path');
const { marked } = require('marked');

const root = path.join(__dirname, '..');
const out = path.join(root, 'public');
fs.mkdirSync(out, { recursive: true });
for (const name of fs.readdirSync(path.join(root, 'content'))) {
  const html = marked.parse(fs.readFileSync(path.join(root, 'content', name), 'utf8'));
  fs.writeFileSync(path.join(out, name.replace(/\.md$/, '.html')), html);
}
console.log('built', fs.readdirSync(out).length, 'pages');
