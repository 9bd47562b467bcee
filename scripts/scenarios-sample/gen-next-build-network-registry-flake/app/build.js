// a Next.js-style build step: compile src/ into dist/ with a build id
const fs = require('fs');
const path = require('path');
fs.mkdirSync('dist', { recursive: true });
const id = Date.now().toString(36);
const src = fs.readFileSync(path.join('src', 'server.js'), 'utf8');
fs.writeFileSync(path.join('dist', 'server.js'), `const BUILD_ID = '${id}';\n` + src);
console.log('build ' + id + ' ready');
