/**
 * embed.html: <folio-reader> alone in a page, for partners who prefer an iframe. It posts its
 * height to the partner page ({type:'folio:height'}) and accepts {type:'folio:open', id} from it,
 * both only with the origin named by the `parent` query parameter.
 */
// First: the Trusted Types default policy, before any other module runs (docs/SECURITY.md).
import '../security/install-default-policy.ts';
import '../widget.ts';
import { embedOptions } from './embed-options.ts';
import { acceptOpen, heightMessage } from './messages.ts';

interface ReaderElement extends HTMLElement {
  open?: (id: string) => void;
}

const reader = document.querySelector<ReaderElement>('folio-reader');
if (!reader) throw new Error('embed.html lacks <folio-reader>');
const options = embedOptions(location.search, location.href);
if (options.corpusRefused) console.error(`Folio: corpus ${options.corpusRefused} is not on this page's origin`);
for (const [name, value] of Object.entries(options.attributes)) reader.setAttribute(name, value);

const { parentOrigin } = options;
if (parentOrigin !== null && window.parent !== window) {
  let lastHeight = -1;
  const postHeight = (): void => {
    const message = heightMessage(reader.getBoundingClientRect().height);
    if (message.height === lastHeight) return;
    lastHeight = message.height;
    window.parent.postMessage(message, parentOrigin);
  };
  new ResizeObserver(postHeight).observe(reader);
  postHeight();
  window.addEventListener('message', (event) => {
    const id = acceptOpen(event, parentOrigin, window.parent);
    if (id !== null) reader.open?.(id);
  });
}
