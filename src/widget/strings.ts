import type { Locale } from '../i18n/index.ts';

/** Widget-only interface strings; the rest come from the app's catalogs (src/i18n). */
const en = {
  region: 'News archive',
  backToList: 'Back to the list',
  noCorpus: 'This reader has no corpus: set corpus="…/manifest.json" on <folio-reader>.',
  searchUnavailable: 'Search is not available on this page; the articles still are.',
  poweredBy: '{title} · {count} articles',
};

export type WidgetStrings = typeof en;

const zhCN: WidgetStrings = {
  region: '新闻档案',
  backToList: '返回列表',
  noCorpus: '此阅读器没有文库：请在 <folio-reader> 上设置 corpus="…/manifest.json"。',
  searchUnavailable: '此页面无法使用搜索，但仍可阅读文章。',
  poweredBy: '{title} · {count} 篇文章',
};

const catalogs: Record<Locale, WidgetStrings> = { en, 'zh-CN': zhCN };

export function widgetText(
  locale: Locale,
  key: keyof WidgetStrings,
  params: Record<string, string | number> = {},
): string {
  return catalogs[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
