from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import (
    CampaignPage,
    ContentPage,
    EnterpriseStoryPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    StoryIndexPage,
)


class PageRulesTests(WagtailPageTestCase):
    def test_home_page_children(self):
        self.assertAllowedSubpageTypes(
            HomePage, {ContentPage, CampaignPage, NewsIndexPage, StoryIndexPage}
        )
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_articles_live_under_their_index(self):
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedParentPageTypes(EnterpriseStoryPage, {StoryIndexPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedSubpageTypes(StoryIndexPage, {EnterpriseStoryPage})
        self.assertAllowedSubpageTypes(NewsPage, set())

    def test_campaigns_and_content_pages(self):
        self.assertAllowedParentPageTypes(CampaignPage, {HomePage})
        self.assertAllowedSubpageTypes(CampaignPage, set())
        self.assertAllowedParentPageTypes(ContentPage, {HomePage, ContentPage})
        self.assertCanCreateAt(HomePage, ContentPage)
        self.assertCanNotCreateAt(HomePage, NewsPage)
        assert not HomePage.can_create_at(Page.get_first_root_node())  # one home page only

    def test_pages_declare_search_fields(self):
        for model in (HomePage, ContentPage, CampaignPage, NewsPage, EnterpriseStoryPage):
            names = {field.field_name for field in model.search_fields}
            assert {"title", "intro"} <= names, model
