// Compile the .py files of pure-Python wheels to bytecode with Pyodide's own Python.
//
// node pyc.mjs <pyodide runtime dir> <input dir> <output dir> <wheel file>...
//
// Each wheel is written to the output dir with every module compiled in place
// ("legacy" .pyc beside where the .py was, the .py dropped), as Pyodide ships its own
// packages: the browser then imports without compiling. Entries keep their order and
// timestamps, so the result is the same bytes on every run.
import path from "node:path";

const [runtime, input, output, ...wheels] = process.argv.slice(2);
const { loadPyodide } = await import(path.resolve(runtime, "pyodide.mjs"));
const py = await loadPyodide({ indexURL: path.resolve(runtime) + "/" });
py.FS.mkdirTree("/in");
py.FS.mount(py.FS.filesystems.NODEFS, { root: path.resolve(input) }, "/in");
py.FS.mkdirTree("/out");
py.FS.mount(py.FS.filesystems.NODEFS, { root: path.resolve(output) }, "/out");
py.globals.set("WHEELS", py.toPy(wheels));
py.runPython(`
import importlib.util, marshal, zipfile

def pyc(source: bytes, name: str) -> bytes:
    code = compile(source, name, "exec", dont_inherit=True, optimize=0)
    data = bytearray(importlib.util.MAGIC_NUMBER)
    data += (0).to_bytes(4, "little") + (0).to_bytes(8, "little")  # timestamp-free
    data += marshal.dumps(code)
    return bytes(data)

for wheel in WHEELS:
    with zipfile.ZipFile("/in/" + wheel) as zin, zipfile.ZipFile("/out/" + wheel, "w") as zout:
        renamed = {}
        for info in zin.infolist():
            data = zin.read(info)
            name = info.filename
            if name.endswith(".py") and ".dist-info/" not in name and ".data/" not in name:
                try:
                    data = pyc(data, name)
                except SyntaxError:
                    pass  # a file Python cannot compile stays source (templates, tests)
                else:
                    renamed[name] = name + "c"
                    info = zipfile.ZipInfo(name + "c", info.date_time)
                    info.external_attr = 0o644 << 16
            if name.endswith(".dist-info/RECORD"):
                lines = []
                for line in data.decode().splitlines():
                    entry = line.split(",", 1)[0]
                    lines.append(renamed[entry] + ",," if entry in renamed else line)
                data = ("\\n".join(lines) + "\\n").encode()
            zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
`);
