import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { selectOptions, selectValue } from '../../src/ui/common/select-options.ts';

const { document } = new JSDOM('').window;
const options = (labels: string[]) => [
  { value: '', label: 'All' },
  ...labels.map((label) => ({ value: label.toLowerCase(), label })),
];

describe('selectOptions and selectValue (the search filters)', () => {
  it('fills a select with its options as text, and selects the value asked for', () => {
    const select = document.createElement('select');
    selectOptions(options(['Grain', '<b>Oil</b>']))(select);
    selectValue('grain')(select);
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ['', 'All'],
      ['grain', 'Grain'],
      ['<b>oil</b>', '<b>Oil</b>'],
    ]);
    expect(select.querySelector('b')).toBeNull();
    expect(select.value).toBe('grain');
  });

  it('keeps the selection when the options are made again (another language), and falls back to the first', () => {
    const select = document.createElement('select');
    selectOptions(options(['Grain', 'Oil']))(select);
    selectValue('oil')(select);
    selectOptions([{ value: '', label: 'Toutes' }, ...options(['Grain', 'Oil']).slice(1)])(select);
    expect(select.value).toBe('oil');
    expect(select.options[0]?.textContent).toBe('Toutes');
    selectValue('no-such-category')(select);
    expect(select.selectedIndex).toBe(0);
  });
});
