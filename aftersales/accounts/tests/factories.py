"""Users with a role and department, for any app's tests:

    from aftersales.accounts.tests.factories import UserFactory
    agent = UserFactory(roles=["customer_service"])      # department follows the role
"""

import factory
from django.contrib.auth.models import Group

from aftersales.accounts.models import Department, User
from aftersales.accounts.roles import ROLE_DEPARTMENT

PASSWORD = "correct-horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not extracted:
            return
        for role in extracted:
            self.groups.add(Group.objects.get(name=role))
        if self.department_id is None and (code := ROLE_DEPARTMENT.get(extracted[0])):
            self.department = Department.objects.get(code=code)
            self.save(update_fields=["department"])
        self.__dict__.pop("_role_codes", None)
