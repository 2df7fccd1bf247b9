import { createRequire } from 'node:module'
import Docxtemplater from 'docxtemplater'
import PizZip from 'pizzip'

type Module = Docxtemplater.DXT.Module
/** docxtemplater's inspect module lists a template's tags; its file exports a factory (CommonJS). */
const createInspectModule = createRequire(import.meta.url)(
  'docxtemplater/js/inspect-module.js',
) as () => Module & {
  getAllTags(): Record<string, unknown>
}

/** A Word template that cannot be used, with what is wrong in words a person can act on. */
export class TemplateProblem extends Error {
  override name = 'TemplateProblem'
  readonly problems: string[]
  constructor(problems: string[]) {
    super(problems.join('; '))
    this.problems = problems
  }
}

const notWord = 'The file is not a Word document (.docx)'

interface DocxtemplaterError {
  properties?: { id?: string; explanation?: string; errors?: DocxtemplaterError[] }
}

/** docxtemplater's errors (one, or several at once) as sentences. */
function problemsOf(error: unknown): string[] {
  const properties = (error as DocxtemplaterError)?.properties
  if (!properties) return [error instanceof Error ? error.message : String(error)]
  if (properties.id?.startsWith('filetype_')) return [notWord]
  if (properties.errors?.length) return properties.errors.flatMap(problemsOf)
  return [properties.explanation ?? (error as Error).message]
}

function open(template: Uint8Array, modules: Module[] = []) {
  let zip: PizZip
  try {
    zip = new PizZip(template)
  } catch {
    throw new TemplateProblem([notWord])
  }
  // docxtemplater also fills PowerPoint files: only a Word document will do here.
  if (!zip.file('word/document.xml')) throw new TemplateProblem([notWord])
  try {
    return new Docxtemplater(zip, {
      paragraphLoop: true,
      linebreaks: true,
      errorLogging: false,
      // A field with no value prints nothing, never "undefined".
      nullGetter: () => '',
      modules,
    })
  } catch (error) {
    throw new TemplateProblem(problemsOf(error))
  }
}

/**
 * Fills a .docx template (docxtemplater syntax: `{field}`, loops `{#items}…{/items}`, conditions
 * `{#field}…{/field}` and `{^field}…{/field}`) with data. A new line in a value is a line break.
 * Throws TemplateProblem when the template is not a Word document or its placeholders are broken.
 */
export function renderDocx(template: Uint8Array, data: Record<string, unknown>): Buffer {
  const document = open(template)
  try {
    document.render(data)
  } catch (error) {
    throw new TemplateProblem(problemsOf(error))
  }
  return document.toBuffer()
}

/** Every field name a template uses, at any depth (loops included), in the order first met. */
export function templateTags(template: Uint8Array): string[] {
  const inspect = createInspectModule()
  open(template, [inspect])
  const names = new Set<string>()
  const walk = (tags: Record<string, unknown>) => {
    for (const [name, inner] of Object.entries(tags)) {
      names.add(name)
      if (inner && typeof inner === 'object') walk(inner as Record<string, unknown>)
    }
  }
  walk(inspect.getAllTags())
  return [...names]
}
